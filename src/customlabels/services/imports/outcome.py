"""What a finished import says on its dataset: complete, or failed when nothing was usable.

An import whose every entry carries an error has given the user nothing to train on;
calling that "successfully created" would hide it behind a green badge. Such an import
leaves the dataset CREATE_FAILED / UPDATE_FAILED (the hosted service's statuses), with a
message that says how many entries failed and why the first one did.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from customlabels.db.tables import Entry
from customlabels.services.context import Context
from customlabels.services.imports.candidates import IngestSummary


@dataclass(frozen=True)
class ImportOutcome:
    status: str
    message: str
    code: str


def import_outcome(
    ctx: Context, dataset_id: int, creating: bool, summary: IngestSummary, skipped: str
) -> ImportOutcome:
    """The dataset status, message and message code an import with ``summary`` ends in."""
    verb = "created" if creating else "updated"
    counts = f"{summary.entries} entries, {summary.with_errors} with errors, {skipped}"
    if summary.entries == 0 or summary.with_errors < summary.entries:
        status = "CREATE_COMPLETE" if creating else "UPDATE_COMPLETE"
        return ImportOutcome(status, f"The dataset was successfully {verb}: {counts}.", "SUCCESS")
    first = (first_error_message(ctx, dataset_id) or "").rstrip(".")
    if summary.entries == 1:
        what = f"The only entry imported has an error{': ' + first if first else ''}."
    else:
        what = f"Every one of the {summary.entries} entries imported has an error" + (
            f"; the first: {first}." if first else "."
        )
    return ImportOutcome(
        "CREATE_FAILED" if creating else "UPDATE_FAILED",
        f"{what} Nothing can be used: fix the source and import it again into this dataset.",
        "CLIENT_ERROR",
    )


def first_error_message(ctx: Context, dataset_id: int) -> str | None:
    """The message of the first ERROR issue of the dataset's earliest entry with errors."""
    with ctx.db.read() as session:
        issues = session.scalars(
            select(Entry.issues)
            .where(Entry.dataset_id == dataset_id, Entry.has_errors.is_(True))
            .order_by(Entry.id)
            .limit(1)
        ).first()
    for issue in issues or []:
        if isinstance(issue, dict) and issue.get("severity", "ERROR") == "ERROR":
            return str(issue.get("message") or issue.get("code") or "") or None
    return None
