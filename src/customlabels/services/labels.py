"""The project's label vocabulary: create, rename, recolour, merge, delete, and stats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, func, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from customlabels.db.tables import Box, Dataset, DatasetLabelStat, EntryLabel, Label
from customlabels.errors import AlreadyExists, InvalidInput, LabelNotFound
from customlabels.services import audit, stats
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset
from customlabels.services.label_order import LABEL_ORDER, next_position
from customlabels.services.names import check_color, check_label_name
from customlabels.services.projects import get_project
from customlabels.services.sql_helpers import changed_rows

# Distinct, readable colours handed out in turn to new labels.
PALETTE = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#bfef45",
    "#fabed4",
    "#469990",
    "#dcbeff",
    "#9a6324",
    "#fffac8",
    "#800000",
    "#aaffc3",
    "#808000",
    "#ffd8b1",
    "#000075",
    "#a9a9a9",
    "#ffe119",
)


@dataclass(frozen=True)
class LabelInfo:
    id: int
    name: str
    color: str


@dataclass(frozen=True)
class LabelUsage:
    """How many image-level labels and boxes use a label (across the project's datasets)."""

    name: str
    image_labels: int
    boxes: int


@dataclass(frozen=True)
class DatasetLabelInfo:
    name: str
    color: str
    entry_count: int
    box_count: int


def get_label(session: Session, project_id: int, name: str, project_name: str = "") -> Label:
    label = session.scalar(select(Label).where(Label.project_id == project_id, Label.name == name))
    if label is None:
        raise LabelNotFound(f"no label {name!r} in project {project_name!r}")
    return label


def _next_color(session: Session, project_id: int) -> str:
    count = session.scalar(select(func.count()).where(Label.project_id == project_id)) or 0
    return PALETTE[count % len(PALETTE)]


def ensure_labels(session: Session, project_id: int, names: Iterable[str]) -> dict[str, int]:
    """Ids of the named labels, creating the missing ones (imports name labels freely)."""
    wanted = set(names)
    if not wanted:
        return {}
    found: dict[str, int] = {}
    for part in stats.chunks(sorted(wanted)):
        found.update(
            session.execute(
                select(Label.name, Label.id).where(
                    Label.project_id == project_id, Label.name.in_(list(part))
                )
            ).all()
        )
    for name in sorted(wanted - set(found)):
        check_label_name(name)
        label = Label(
            project_id=project_id,
            name=name,
            color=_next_color(session, project_id),
            position=next_position(session, project_id),
        )
        session.add(label)
        session.flush()
        found[name] = label.id
    return found


def create_label(ctx: Context, project_name: str, name: str, color: str | None = None) -> LabelInfo:
    check_label_name(name)
    with ctx.db.write() as session:
        project = get_project(session, project_name)
        label = Label(
            project_id=project.id,
            name=name,
            color=check_color(color) if color else _next_color(session, project.id),
            position=next_position(session, project.id),
        )
        session.add(label)
        try:
            session.flush()
        except IntegrityError:
            raise AlreadyExists(f"label {name!r} already exists in {project_name!r}") from None
        audit.record(
            session, "label.create", project=project, label=name, detail={"color": label.color}
        )
        return LabelInfo(label.id, label.name, label.color)


def list_labels(ctx: Context, project_name: str) -> list[LabelInfo]:
    with ctx.db.read() as session:
        project = get_project(session, project_name)
        rows = session.scalars(
            select(Label).where(Label.project_id == project.id).order_by(*LABEL_ORDER)
        ).all()
        return [LabelInfo(r.id, r.name, r.color) for r in rows]


def rename_label(ctx: Context, project_name: str, old: str, new: str) -> LabelInfo:
    """Rename a label; every use follows, since uses point at the label's id."""
    return update_label(ctx, project_name, old, new_name=new)


def recolour_label(ctx: Context, project_name: str, name: str, color: str) -> LabelInfo:
    return update_label(ctx, project_name, name, color=color)


def update_label(
    ctx: Context,
    project_name: str,
    name: str,
    *,
    new_name: str | None = None,
    color: str | None = None,
) -> LabelInfo:
    """Rename and/or recolour a label, all or nothing.

    Both values are checked before anything is written, and both changes share one
    transaction: a bad colour never leaves the label renamed. With neither value, the
    label is answered as it is.
    """
    if new_name is not None:
        check_label_name(new_name)
    checked_color = check_color(color) if color is not None else None
    with ctx.db.write() as session:
        project = get_project(session, project_name)
        label = get_label(session, project.id, name, project_name)
        if new_name is not None and new_name != name:
            clash = session.scalar(
                select(Label.id).where(Label.project_id == project.id, Label.name == new_name)
            )
            if clash is not None:
                raise AlreadyExists(
                    f"label {new_name!r} already exists in {project_name!r}; "
                    f"merge {name!r} into it instead"
                )
            label.name = new_name
            audit.record(
                session, "label.rename", project=project, label=new_name, detail={"from": name}
            )
        if checked_color is not None and checked_color != label.color:
            audit.record(
                session,
                "label.recolor",
                project=project,
                label=label.name,
                detail={"from": label.color, "to": checked_color},
            )
            label.color = checked_color
        session.flush()
        return LabelInfo(label.id, label.name, label.color)


def label_usage(ctx: Context, project_name: str, name: str) -> LabelUsage:
    """What deleting (or merging away) a label would change."""
    with ctx.db.read() as session:
        project = get_project(session, project_name)
        label = get_label(session, project.id, name, project_name)
        return _usage(session, label)


def _usage(session: Session, label: Label) -> LabelUsage:
    row = session.execute(
        select(
            func.coalesce(func.sum(DatasetLabelStat.entry_count), 0),
            func.coalesce(func.sum(DatasetLabelStat.box_count), 0),
        ).where(DatasetLabelStat.label_id == label.id)
    ).one()
    return LabelUsage(label.name, int(row[0]), int(row[1]))


def merge_labels(ctx: Context, project_name: str, source: str, target: str) -> LabelUsage:
    """Merge ``source`` into ``target``: every use of source becomes target, no duplicates.

    Returns the target's usage afterwards. Only the less-used side's rows are rewritten:
    when the source is used more, the target's uses move to the source's id and that label
    row then takes the target's name and colour (ids never leave the database, so nobody
    can tell). Counters are adjusted by what each statement changed, not recounted.
    """
    if source == target:
        raise InvalidInput("cannot merge a label into itself")
    with ctx.db.write() as session:
        project = get_project(session, project_name)
        src = get_label(session, project.id, source, project_name)
        dst = get_label(session, project.id, target, project_name)
        src_use, dst_use = _usage(session, src), _usage(session, dst)
        moved, kept = src, dst
        if src_use.image_labels + src_use.boxes > dst_use.image_labels + dst_use.boxes:
            moved, kept = dst, src
        dataset_ids = session.scalars(
            select(Dataset.id).where(Dataset.project_id == project.id)
        ).all()
        for dataset_id in dataset_ids:
            _merge_in_dataset(session, dataset_id, moved.id, kept.id)
        name, color = dst.name, dst.color
        session.execute(delete(Label).where(Label.id == moved.id))
        session.flush()
        if kept.id != dst.id:
            session.execute(update(Label).where(Label.id == kept.id).values(name=name, color=color))
        session.expire_all()
        kept_label = session.get(Label, kept.id)
        assert kept_label is not None
        audit.record(
            session,
            "label.merge",
            project=project,
            label=target,
            detail={
                "source": source,
                "image_labels": src_use.image_labels,
                "boxes": src_use.boxes,
            },
        )
        return _usage(session, kept_label)


def _merge_in_dataset(session: Session, dataset_id: int, src_id: int, dst_id: int) -> None:
    other = aliased(EntryLabel)
    duplicate_labels = changed_rows(
        session,
        delete(EntryLabel)
        .where(
            EntryLabel.dataset_id == dataset_id,
            EntryLabel.label_id == src_id,
            exists().where(other.entry_id == EntryLabel.entry_id, other.label_id == dst_id),
        )
        .execution_options(synchronize_session=False),
    )
    moved_labels = changed_rows(
        session,
        update(EntryLabel)
        .where(EntryLabel.dataset_id == dataset_id, EntryLabel.label_id == src_id)
        .values(label_id=dst_id)
        .execution_options(synchronize_session=False),
    )
    twin = aliased(Box)
    duplicate_boxes = changed_rows(
        session,
        delete(Box)
        .where(
            Box.dataset_id == dataset_id,
            Box.label_id == src_id,
            exists().where(
                and_(
                    twin.entry_id == Box.entry_id,
                    twin.label_id == dst_id,
                    twin.left == Box.left,
                    twin.top == Box.top,
                    twin.width == Box.width,
                    twin.height == Box.height,
                )
            ),
        )
        .execution_options(synchronize_session=False),
    )
    moved_boxes = changed_rows(
        session,
        update(Box)
        .where(Box.dataset_id == dataset_id, Box.label_id == src_id)
        .values(label_id=dst_id)
        .execution_options(synchronize_session=False),
    )
    before = stats.Contribution()
    after = stats.Contribution()
    before.labels[(dataset_id, src_id, "entries")] = moved_labels + duplicate_labels
    before.labels[(dataset_id, src_id, "boxes")] = moved_boxes + duplicate_boxes
    after.labels[(dataset_id, dst_id, "entries")] = moved_labels
    after.labels[(dataset_id, dst_id, "boxes")] = moved_boxes
    stats.apply_delta(session, before, after)


def delete_label(ctx: Context, project_name: str, name: str) -> LabelUsage:
    """Delete a label and its uses; returns what was removed."""
    with ctx.db.write() as session:
        project = get_project(session, project_name)
        label = get_label(session, project.id, name, project_name)
        usage = _usage(session, label)
        affected = list(
            session.scalars(
                union(
                    select(EntryLabel.entry_id).where(EntryLabel.label_id == label.id),
                    select(Box.entry_id).where(Box.label_id == label.id),
                )
            ).all()
        )
        before = stats.contribution(session, affected)
        session.execute(delete(EntryLabel).where(EntryLabel.label_id == label.id))
        session.execute(delete(Box).where(Box.label_id == label.id))
        stats.refresh_entry_flags(session, affected)
        after = stats.contribution(session, affected)
        stats.apply_delta(session, before, after)
        session.execute(delete(Label).where(Label.id == label.id))
        audit.record(
            session,
            "label.delete",
            project=project,
            label=name,
            detail={"image_labels": usage.image_labels, "boxes": usage.boxes},
        )
        return usage


def dataset_labels(ctx: Context, project_name: str, type_name: str) -> list[DatasetLabelInfo]:
    """ListDatasetLabels: every label of the project with its use in this dataset, in the
    project's label order (``services.label_order``)."""
    with ctx.db.read() as session:
        dataset = get_dataset(session, project_name, type_name)
        rows = session.execute(
            select(
                Label.name,
                Label.color,
                func.coalesce(DatasetLabelStat.entry_count, 0),
                func.coalesce(DatasetLabelStat.box_count, 0),
            )
            .select_from(Label)
            .outerjoin(
                DatasetLabelStat,
                (DatasetLabelStat.label_id == Label.id)
                & (DatasetLabelStat.dataset_id == dataset.id),
            )
            .where(Label.project_id == dataset.project_id)
            .order_by(*LABEL_ORDER)
        ).all()
        return [DatasetLabelInfo(n, c, int(e), int(b)) for n, c, e, b in rows]
