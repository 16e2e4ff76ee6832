"""The order of a project's labels: the console's number-key shortcuts (1 = the first).

A label keeps its place until the user moves it: new labels go last, renames keep the
label's row (and so its position), deleting one closes no gap (the order, not the numbers,
is what is kept). Only :func:`set_label_order` moves labels.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from customlabels.db.tables import Label
from customlabels.errors import InvalidInput
from customlabels.services import audit
from customlabels.services.context import Context
from customlabels.services.projects import get_project

# How labels are listed wherever the order shows: by position, then creation.
LABEL_ORDER = (Label.position, Label.id)


def next_position(session: Session, project_id: int) -> int:
    """The position of a label created now: after every label of the project."""
    last = session.scalar(select(func.max(Label.position)).where(Label.project_id == project_id))
    return 0 if last is None else last + 1


def set_label_order(ctx: Context, project_name: str, names: list[str]) -> list[str]:
    """Put the named labels first, in this order; the others follow in their own order.

    Returns every label name of the project in its new order. Unknown or repeated names
    are refused, naming them, and nothing moves.
    """
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InvalidInput(f"names: each label once; repeated: {', '.join(map(repr, repeated))}")
    with ctx.db.write() as session:
        project = get_project(session, project_name)
        rows = session.scalars(
            select(Label).where(Label.project_id == project.id).order_by(*LABEL_ORDER)
        ).all()
        by_name = {row.name: row for row in rows}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise InvalidInput(
                f"names: no label {', '.join(map(repr, unknown))} in project {project_name!r}"
            )
        named = set(names)
        ordered = [by_name[n] for n in names] + [r for r in rows if r.name not in named]
        for position, row in enumerate(ordered):
            row.position = position
        result = [row.name for row in ordered]
        audit.record(session, "label.reorder", project=project, detail={"names": result})
        return result
