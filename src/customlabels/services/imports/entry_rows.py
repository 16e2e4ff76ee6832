"""An import's last step: a batch's entries, image-level labels and boxes written as rows.

Entries are upserted by source-ref: those the dataset holds are updated (their labels and
boxes replaced, their version raised), the others inserted with ids taken up front. Rows
are plain values (``sql_helpers.insert_rows``: multi-row INSERTs on SQLite, COPY on
PostgreSQL), and the counters' difference is counted from the rows written and applied in
the same transaction, so a killed import leaves them right.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from customlabels.db.tables import Box, Dataset, Entry, EntryLabel, utcnow
from customlabels.formats.records import ImportRecord
from customlabels.services import stats
from customlabels.services.imports.candidates import Candidate, IngestSummary
from customlabels.services.labels import ensure_labels
from customlabels.services.sql_helpers import driver_values, insert_rows

# An entry row as _insert_entries builds it (the flags in the order of _flag_values).
ENTRY_COLUMNS = [
    "id",
    "dataset_id",
    "source_ref",
    "asset_id",
    "version",
    "has_boxes",
    "no_objects",
    "is_labeled",
    "has_errors",
    "issues",
    "raw_line",
    "created_at",
    "updated_at",
]
LABEL_COLUMNS = ["entry_id", "label_id", "dataset_id"]
BOX_COLUMNS = ["entry_id", "dataset_id", "label_id", "left", "top", "width", "height"]


class EntryWriter:
    """Writes the entries of one import's batches into one dataset."""

    def __init__(self, dataset_id: int, project_id: int, summary: IngestSummary) -> None:
        self.dataset_id = dataset_id
        self.project_id = project_id
        self.summary = summary
        self._label_ids: dict[str, int] = {}
        # Whether the dataset held no entries but those this import created (None: not
        # known yet); then only repeated source-refs need looking up before writing.
        self._fresh: bool | None = None
        self._created = 0

    def write(self, session: Session, batch: list[Candidate]) -> None:
        """Upsert the batch's entries with their labels and boxes, and move the counters."""
        existing = self._existing_entries(session, batch)
        now = utcnow()
        before = stats.contribution(session, list(existing.values()))
        if existing:
            old_ids = list(existing.values())
            session.execute(delete(EntryLabel).where(EntryLabel.entry_id.in_(old_ids)))
            session.execute(delete(Box).where(Box.entry_id.in_(old_ids)))
        d = self.dataset_id
        flags = [_flag_values(cand.record) for cand in batch]
        rows_old = []
        new: list[tuple[Candidate, tuple[bool, bool, bool, bool]]] = []
        for cand, row_flags in zip(batch, flags, strict=True):
            if cand.record.source_ref in existing:
                row = self._entry_row(cand)
                row["id"] = existing[cand.record.source_ref]
                row["updated_at"] = now
                rows_old.append(row)
            else:
                new.append((cand, row_flags))
        if rows_old:
            session.execute(update(Entry), rows_old)
            session.execute(
                update(Entry)
                .where(Entry.id.in_([r["id"] for r in rows_old]))
                .values(version=Entry.version + 1)
                .execution_options(synchronize_session=False)
            )
        if new:
            self._insert_entries(session, new, now, existing)
        try:
            label_rows, box_rows = self._label_and_box_rows(batch, existing)
        except KeyError:  # names the import has not used yet
            names = {n for c in batch for n in c.record.labels} | {
                b.label for c in batch for b in c.record.boxes
            }
            missing = names - set(self._label_ids)
            self._label_ids.update(ensure_labels(session, self.project_id, missing))
            # Every name the import uses enters _label_ids here once: these are its labels.
            self.summary.labels |= missing
            label_rows, box_rows = self._label_and_box_rows(batch, existing)
        # What the batch's entries add to the counters, counted from the rows written.
        after = stats.Contribution()
        after.datasets[(d, "entries")] = len(batch)
        after.datasets[(d, "labeled")] = sum(f[2] for f in flags)
        after.datasets[(d, "errors")] = sum(f[3] for f in flags)
        for label_id, count in Counter(r[1] for r in label_rows).items():
            after.labels[(d, label_id, "entries")] = count
        for label_id, count in Counter(r[2] for r in box_rows).items():
            after.labels[(d, label_id, "boxes")] = count
        insert_rows(session, EntryLabel.__table__, LABEL_COLUMNS, label_rows)
        insert_rows(session, Box.__table__, BOX_COLUMNS, box_rows)
        stats.apply_delta(session, before, after)
        self.summary.entries += len(batch)
        self.summary.created += len(new)
        self.summary.updated += len(rows_old)

    def _label_and_box_rows(
        self, batch: list[Candidate], entry_ids: dict[str, int]
    ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int, float, float, float, float]]]:
        """entry_labels and boxes rows of the batch; KeyError for a label without an id."""
        d, label_ids = self.dataset_id, self._label_ids
        label_rows: list[tuple[int, int, int]] = []
        box_rows: list[tuple[int, int, int, float, float, float, float]] = []
        for cand in batch:
            record = cand.record
            entry_id = entry_ids[record.source_ref]
            labels = record.labels
            if len(labels) == 1:
                label_rows.append((entry_id, label_ids[labels[0]], d))
            elif labels:
                label_rows.extend((entry_id, label_ids[n], d) for n in dict.fromkeys(labels))
            for box in record.boxes:
                box_rows.append(
                    (entry_id, d, label_ids[box.label], box.left, box.top, box.width, box.height)
                )
        return label_rows, box_rows

    def _existing_entries(self, session: Session, batch: list[Candidate]) -> dict[str, int]:
        """source_ref -> id of the batch's entries the dataset holds already."""
        d = self.dataset_id
        if self._fresh is None:
            self._fresh = (
                session.execute(select(Entry.id).where(Entry.dataset_id == d).limit(1)).first()
                is None
            )
        elif self._fresh:
            # Still only ours? The counter moves with every write of entries, in its
            # transaction; any other writer (an upload, a split) makes it differ.
            count = session.scalar(select(Dataset.entry_count).where(Dataset.id == d))
            self._fresh = count == self._created
        if self._fresh:
            refs = [c.record.source_ref for c in batch if c.repeated]
        else:
            refs = [c.record.source_ref for c in batch]
        if not refs:
            return {}
        rows = session.execute(_EXISTING, {"dataset_id": d, "refs": refs}).all()
        return {ref: entry_id for ref, entry_id in rows}

    def _insert_entries(
        self,
        session: Session,
        new: list[tuple[Candidate, tuple[bool, bool, bool, bool]]],
        now: Any,
        ids_by_ref: dict[str, int],
    ) -> None:
        """INSERT the new entries with ids taken up front, adding them to ``ids_by_ref``."""
        columns = Entry.__table__.c
        to_json = driver_values(session, columns.issues)
        stamp = driver_values(session, columns.created_at)(now)
        no_issues = to_json([])
        d = self.dataset_id
        rows = []
        for entry_id, (cand, f) in zip(_new_entry_ids(session, len(new)), new, strict=True):
            record = cand.record
            ids_by_ref[record.source_ref] = entry_id
            asset = cand.asset
            rows.append(
                (
                    entry_id,
                    d,
                    record.source_ref,
                    asset.id if asset is not None else None,
                    1,
                    f[0],
                    f[1],
                    f[2],
                    f[3],
                    to_json(_issue_dicts(record)) if record.issues else no_issues,
                    record.raw_line,
                    stamp,
                    stamp,
                )
            )
        insert_rows(session, Entry.__table__, ENTRY_COLUMNS, rows)
        self._created += len(rows)

    @staticmethod
    def _flags(cand: Candidate) -> dict[str, bool]:
        has_boxes, no_objects, is_labeled, has_errors = _flag_values(cand.record)
        return {
            "has_boxes": has_boxes,
            "no_objects": no_objects,
            "is_labeled": is_labeled,
            "has_errors": has_errors,
        }

    def _entry_row(self, cand: Candidate) -> dict[str, Any]:
        record = cand.record
        return {
            "asset_id": cand.asset.id if cand.asset else None,
            "issues": _issue_dicts(record),
            "raw_line": record.raw_line,
            **self._flags(cand),
        }


_EXISTING = select(Entry.source_ref, Entry.id).where(
    Entry.dataset_id == bindparam("dataset_id"),
    Entry.source_ref.in_(bindparam("refs", expanding=True)),
)


def _flag_values(record: ImportRecord) -> tuple[bool, bool, bool, bool]:
    """The entry flags of a record: has_boxes, no_objects, is_labeled, has_errors."""
    issues = record.issues
    if record.boxes or record.labels:
        return bool(record.boxes), False, True, bool(issues) and record.has_errors
    # A detection line with an empty annotations list is labelled: it shows no objects.
    no_objects = record.is_labeled is True or any(
        i.code == "WARNING_NO_ANNOTATIONS" for i in issues
    )
    return False, no_objects, no_objects, bool(issues) and record.has_errors


def _issue_dicts(record: ImportRecord) -> list[dict[str, str]]:
    return [{"code": i.code, "message": i.message, "severity": i.severity} for i in record.issues]


def _new_entry_ids(session: Session, count: int) -> list[int]:
    """Ids for ``count`` new entries, taken before inserting them (no RETURNING to match).

    SQLite: the next rowids, as SQLite would pick them (max + 1, no AUTOINCREMENT); the
    write transaction holds the database's only write lock, so nobody takes them meanwhile.
    PostgreSQL: drawn from the column's sequence, which no concurrent writer gets again.
    """
    if session.get_bind().dialect.name == "sqlite":
        top = session.scalar(select(func.max(Entry.id))) or 0
        return list(range(top + 1, top + 1 + count))
    return list(
        session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('entries', 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"count": count},
        )
    )
