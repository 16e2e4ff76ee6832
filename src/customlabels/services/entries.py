"""Entries: list with filters, get, delete, and edit labels and boxes with versions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, null, select, update
from sqlalchemy.orm import Session

from customlabels.db.tables import (
    Asset,
    Box,
    Dataset,
    Entry,
    EntryLabel,
    Project,
    Thumbnail,
    utcnow,
)
from customlabels.errors import EntryNotFound, InvalidInput, VersionConflict
from customlabels.services import audit, stats
from customlabels.services.bulk_changes import bulk_labels_recorded, existing_label_ids
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset
from customlabels.services.entry_query import (
    EntryFilter,
    all_matching_ids,
    decode_cursor,
    encode_cursor,
    page_ids,
)
from customlabels.services.entry_views import AssetView, EntryView, asset_view, load_entries
from customlabels.services.labels import ensure_labels
from customlabels.services.names import check_label_name, dataset_type
from customlabels.services.sql_helpers import changed_rows


@dataclass(frozen=True)
class EntryPage:
    entries: list[EntryView]
    next_token: str | None


@dataclass(frozen=True)
class BoxInput:
    """A box as a client sends it: label name and upright pixels."""

    label: str
    left: float
    top: float
    width: float
    height: float


def list_entries(
    ctx: Context,
    project: str,
    type_name: str,
    flt: EntryFilter,
    *,
    next_token: str | None = None,
    limit: int = 100,
    descending: bool = False,
) -> EntryPage:
    if not 1 <= limit <= ctx.settings.page_size_max:
        raise InvalidInput(f"page size must be 1..{ctx.settings.page_size_max}, got {limit}")
    with ctx.db.read() as session:
        dataset = get_dataset(session, project, type_name)
        after = decode_cursor(next_token, descending, dataset.id)
        ids = page_ids(
            session,
            dataset.id,
            dataset.project_id,
            flt,
            after_id=after,
            limit=limit + 1,
            descending=descending,
        )
        more = len(ids) > limit
        ids = ids[:limit]
        entries = load_entries(session, ids)
        token = encode_cursor(ids[-1], descending, dataset.id) if more and ids else None
        return EntryPage(entries, token)


def iter_entries(
    ctx: Context, project: str, type_name: str, flt: EntryFilter | None = None, page: int = 1000
) -> Iterator[EntryView]:
    """Every entry matching ``flt`` in id order, read page by page (exports, copies)."""
    token: str | None = None
    while True:
        result = list_entries(
            ctx,
            project,
            type_name,
            flt or EntryFilter(),
            next_token=token,
            limit=min(page, ctx.settings.page_size_max),
        )
        yield from result.entries
        token = result.next_token
        if token is None:
            return


def _entry_in_dataset(session: Session, dataset_id: int, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id)
    if entry is None or entry.dataset_id != dataset_id:
        raise EntryNotFound(f"no entry {entry_id} in this dataset")
    return entry


def get_entry(ctx: Context, project: str, type_name: str, entry_id: int) -> EntryView:
    with ctx.db.read() as session:
        dataset = get_dataset(session, project, type_name)
        _entry_in_dataset(session, dataset.id, entry_id)
        return load_entries(session, [entry_id])[0]


def entry_asset(ctx: Context, project: str, type_name: str, entry_id: int) -> AssetView:
    """The asset of an entry (for its thumbnail and image), without its labels and boxes."""
    with ctx.db.read() as session:
        dataset = get_dataset(session, project, type_name)
        entry = _entry_in_dataset(session, dataset.id, entry_id)
        asset = session.get(Asset, entry.asset_id) if entry.asset_id is not None else None
        if asset is None:
            raise InvalidInput(f"entry {entry_id} has no image: see its issues")
        return asset_view(asset)


def entry_thumbnail(
    ctx: Context, project: str, type_name: str, entry_id: int, *, with_bytes: bool = True
) -> tuple[str, bytes | None]:
    """The sha256 of an entry's asset and, with ``with_bytes``, its thumbnail's bytes when
    the database keeps them (None when it doesn't: thumbnails_in_store).

    One query, in one read transaction: thumbnails are most of the requests a gallery makes
    (entry_asset and then read_thumbnail took two transactions and four queries).
    """
    kind = dataset_type(type_name)
    with ctx.db.read() as session:
        row = session.execute(
            select(Asset.sha256, Thumbnail.data if with_bytes else null())
            .select_from(Entry)
            .join(Dataset, Dataset.id == Entry.dataset_id)
            .join(Project, Project.id == Dataset.project_id)
            .join(Asset, Asset.id == Entry.asset_id)
            .outerjoin(Thumbnail, Thumbnail.asset_id == Asset.id)
            .where(Entry.id == entry_id, Dataset.dataset_type == kind, Project.name == project)
        ).first()
        if row is None:
            # Which of project, dataset, entry or image is missing: the usual errors.
            dataset = get_dataset(session, project, type_name)
            _entry_in_dataset(session, dataset.id, entry_id)
            raise InvalidInput(f"entry {entry_id} has no image: see its issues")
    sha, data = row
    return sha, data


def delete_entries(ctx: Context, project: str, type_name: str, flt: EntryFilter) -> int:
    """Delete the entries matching ``flt`` (ids or filters); returns how many."""
    with ctx.db.write() as session:
        dataset = get_dataset(session, project, type_name)
        ids = all_matching_ids(session, dataset.id, dataset.project_id, flt)
        before = stats.contribution(session, ids)
        for part in stats.chunks(ids):
            session.execute(delete(Entry).where(Entry.id.in_(list(part))))
        stats.apply_delta(session, before, stats.Contribution())
        if ids:
            audit.record(
                session, "entry.delete", dataset=dataset, entry_ids=ids, detail={"count": len(ids)}
            )
        return len(ids)


def _bump_version(session: Session, entry: Entry, expected_version: int) -> None:
    """Refuse the write when someone saved the entry after the client read it."""
    changed = changed_rows(
        session,
        update(Entry)
        .where(Entry.id == entry.id, Entry.version == expected_version)
        .values(version=Entry.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False),
    )
    if not changed:
        current = load_entries(session, [entry.id])[0]
        raise VersionConflict(
            f"entry {entry.id} was saved by someone else (version {current.version}, "
            f"yours {expected_version}); reload it and apply your change again",
            {"current_version": current.version, "entry_id": entry.id},
        )


def _check_box(box: BoxInput, width: int | None, height: int | None) -> None:
    values = (box.left, box.top, box.width, box.height)
    if any(v != v or v in (float("inf"), float("-inf")) for v in values):
        raise InvalidInput(f"box for {box.label!r} has a non-finite coordinate")
    if box.width <= 0 or box.height <= 0:
        raise InvalidInput(f"box for {box.label!r} must have a positive width and height")
    if box.left < 0 or box.top < 0:
        raise InvalidInput(f"box for {box.label!r} starts outside the image")
    if (
        width is not None
        and height is not None
        and (box.left + box.width > width + 1e-6 or box.top + box.height > height + 1e-6)
    ):
        raise InvalidInput(f"box for {box.label!r} ends outside the {width}x{height} image")


def _image_size(session: Session, entry: Entry) -> tuple[int | None, int | None]:
    if entry.asset_id is None:
        return None, None
    asset = session.get(Asset, entry.asset_id)
    return (asset.width, asset.height) if asset else (None, None)


def edit_entry(
    ctx: Context,
    project: str,
    type_name: str,
    entry_id: int,
    *,
    expected_version: int,
    add_labels: Sequence[str] = (),
    remove_labels: Sequence[str] = (),
    boxes: Sequence[BoxInput] | None = None,
    add_boxes: Sequence[BoxInput] = (),
    update_boxes: dict[int, BoxInput] | None = None,
    delete_box_ids: Sequence[int] = (),
    no_objects: bool | None = None,
) -> EntryView:
    """Change one entry's image-level labels and boxes in one versioned write.

    ``boxes`` replaces all boxes; otherwise ``add_boxes``, ``update_boxes`` (by box id) and
    ``delete_box_ids`` change single boxes. The write is refused with VersionConflict when
    the entry's version is no longer ``expected_version``.
    """
    with ctx.db.write() as session:
        dataset = get_dataset(session, project, type_name)
        entry = _entry_in_dataset(session, dataset.id, entry_id)
        # Everything is checked before the first write: a refused edit changes nothing,
        # not even the version (the transaction would undo it, but clients read 400s).
        width, height = _image_size(session, entry)
        new_boxes = list(boxes or []) + list(add_boxes) + list((update_boxes or {}).values())
        for box in new_boxes:
            _check_box(box, width, height)
        names = set(add_labels) | {b.label for b in new_boxes}
        for name in names:
            check_label_name(name)
        _check_box_ids(session, entry.id, boxes, update_boxes or {}, delete_box_ids)
        _bump_version(session, entry, expected_version)
        label_ids = ensure_labels(session, dataset.project_id, names)
        before = stats.contribution(session, [entry.id])
        had = set(
            session.scalars(select(EntryLabel.label_id).where(EntryLabel.entry_id == entry.id))
        )
        boxes_before = _box_count(session, entry.id)
        gone: dict[str, int] = {}
        if remove_labels:
            gone = existing_label_ids(session, dataset.project_id, remove_labels)
            session.execute(
                delete(EntryLabel).where(
                    EntryLabel.entry_id == entry.id,
                    EntryLabel.label_id.in_(list(gone.values())),
                )
            )
        present = set(
            session.scalars(select(EntryLabel.label_id).where(EntryLabel.entry_id == entry.id))
        )
        # Adding a label a model predicted accepts it: it becomes a person's label.
        accepted = [label_ids[name] for name in add_labels if label_ids[name] in present]
        if accepted:
            session.execute(
                update(EntryLabel)
                .where(EntryLabel.entry_id == entry.id, EntryLabel.label_id.in_(accepted))
                .values(confidence=None)
            )
        rows = [
            {"entry_id": entry.id, "label_id": label_ids[name], "dataset_id": dataset.id}
            for name in dict.fromkeys(add_labels)
            if label_ids[name] not in present
        ]
        if rows:
            session.execute(insert(EntryLabel), rows)
        if boxes is not None:
            session.execute(delete(Box).where(Box.entry_id == entry.id))
        if delete_box_ids:
            session.execute(delete(Box).where(Box.id.in_(list(delete_box_ids))))
        for box_id, box in (update_boxes or {}).items():
            session.execute(
                update(Box)
                .where(Box.id == box_id)
                .values(
                    label_id=label_ids[box.label],
                    left=box.left,
                    top=box.top,
                    width=box.width,
                    height=box.height,
                    confidence=None,  # corrected by a person: no longer a prediction
                )
            )
        box_rows = [
            {
                "entry_id": entry.id,
                "dataset_id": dataset.id,
                "label_id": label_ids[b.label],
                "left": b.left,
                "top": b.top,
                "width": b.width,
                "height": b.height,
            }
            for b in [*(boxes or []), *add_boxes]
        ]
        if box_rows:
            session.execute(insert(Box), box_rows)
        if no_objects is not None:
            session.execute(update(Entry).where(Entry.id == entry.id).values(no_objects=no_objects))
        stats.refresh_entry_flags(session, [entry.id])
        after = stats.contribution(session, [entry.id])
        stats.apply_delta(session, before, after)
        removed = [name for name, label_id in gone.items() if label_id in had]
        added = [name for name in dict.fromkeys(add_labels) if label_ids[name] not in present]
        if added or removed or accepted:
            accepted_names = [n for n in dict.fromkeys(add_labels) if label_ids[n] in present]
            audit.record(
                session,
                "entry.labels",
                dataset=dataset,
                entry_id=entry.id,
                detail={"added": added, "removed": removed, "accepted": accepted_names},
            )
        touches_boxes = boxes is not None or add_boxes or update_boxes or delete_box_ids
        if touches_boxes or no_objects is not None:
            detail: dict[str, object] = {
                "boxes_before": boxes_before,
                "boxes_after": _box_count(session, entry.id),
            }
            if no_objects is not None:
                detail["no_objects"] = no_objects
            audit.record(session, "entry.boxes", dataset=dataset, entry_id=entry.id, detail=detail)
        session.flush()
        session.expire_all()
        return load_entries(session, [entry.id])[0]


def _box_count(session: Session, entry_id: int) -> int:
    return session.scalar(select(func.count()).where(Box.entry_id == entry_id)) or 0


def _check_box_ids(
    session: Session,
    entry_id: int,
    boxes: Sequence[BoxInput] | None,
    update_boxes: dict[int, BoxInput],
    delete_box_ids: Sequence[int],
) -> None:
    """Refuse box ids the entry does not have, and changes that contradict each other."""
    if boxes is not None and (update_boxes or delete_box_ids):
        raise InvalidInput("replace all boxes or change single boxes, not both in one edit")
    both = set(update_boxes) & set(delete_box_ids)
    if both:
        raise InvalidInput(f"boxes {sorted(both)} are both updated and deleted")
    wanted = set(update_boxes) | set(delete_box_ids)
    if not wanted:
        return
    found = session.scalar(
        select(func.count()).where(Box.id.in_(list(wanted)), Box.entry_id == entry_id)
    )
    if found != len(wanted):
        raise InvalidInput(f"entry {entry_id} has no box with id among {sorted(wanted)}")


def bulk_labels(
    ctx: Context,
    project: str,
    type_name: str,
    flt: EntryFilter,
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> int:
    """Add and remove image-level labels on every entry matching ``flt``, in one transaction.

    Returns the number of entries matched. Each changed entry's version is bumped, so an
    editor holding an older version learns about the change.
    """
    change = bulk_labels_recorded(
        ctx, project, type_name, flt, add=add, remove=remove, bump_matched=True
    )
    return change.matched
