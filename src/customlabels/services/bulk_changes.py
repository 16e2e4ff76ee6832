"""Bulk image-level labelling that can be undone.

``bulk_labels_recorded`` is the one bulk-labelling mechanism (``entries.bulk_labels``, the
REST contract, calls it too): it changes labels and says exactly which entries gained or
lost which label; ``revert_bulk`` applies the opposite change to
those entries only, so an undo never touches an entry that already had the label. Entry
ids travel as ``[first, last]`` runs: a selection of a million neighbours is a few runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from customlabels.db.tables import Dataset, Entry, EntryLabel, Label, utcnow
from customlabels.errors import InvalidInput
from customlabels.services import audit, stats
from customlabels.services.audit import Runs, to_runs
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset
from customlabels.services.entry_query import EntryFilter, all_matching_ids
from customlabels.services.labels import ensure_labels
from customlabels.services.names import check_label_name


@dataclass
class BulkChange:
    """What one bulk change did: per label, the entries that gained it and that lost it."""

    matched: int = 0
    added: dict[str, Runs] = field(default_factory=dict)
    removed: dict[str, Runs] = field(default_factory=dict)


def from_runs(runs: Sequence[Sequence[int]]) -> list[int]:
    ids: list[int] = []
    for run in runs:
        if len(run) != 2 or run[0] > run[1]:
            raise InvalidInput(f"an id run is [first, last], got {list(run)}")
        ids.extend(range(run[0], run[1] + 1))
    return ids


def existing_label_ids(session: Session, project_id: int, names: Iterable[str]) -> dict[str, int]:
    return dict(
        session.execute(
            select(Label.name, Label.id).where(
                Label.project_id == project_id, Label.name.in_(list(set(names)))
            )
        ).all()
    )


def _apply(
    session: Session,
    dataset_id: int,
    ids: Sequence[int],
    add: dict[str, int],
    remove: dict[str, int],
    change: BulkChange,
    *,
    bump_matched: bool = False,
) -> None:
    """Add/remove labels on ``ids`` in chunks, recording who changed, keeping counters.

    Versions move for the entries that changed, or with ``bump_matched`` for every entry
    of ``ids`` (the REST bulk-labels contract).
    """
    for part in stats.chunks(list(ids)):
        part_ids = list(part)
        before = stats.contribution(session, part_ids)
        touched: set[int] = set()
        for name, label_id in remove.items():
            gone = set(
                session.scalars(
                    select(EntryLabel.entry_id).where(
                        EntryLabel.label_id == label_id, EntryLabel.entry_id.in_(part_ids)
                    )
                )
            )
            if gone:
                session.execute(
                    delete(EntryLabel).where(
                        EntryLabel.label_id == label_id, EntryLabel.entry_id.in_(list(gone))
                    )
                )
                change.removed.setdefault(name, []).extend(to_runs(gone))
                touched |= gone
        for name, label_id in add.items():
            have = set(
                session.scalars(
                    select(EntryLabel.entry_id).where(
                        EntryLabel.label_id == label_id, EntryLabel.entry_id.in_(part_ids)
                    )
                )
            )
            new = [i for i in part_ids if i not in have]
            if new:
                session.execute(
                    insert(EntryLabel),
                    [{"entry_id": i, "label_id": label_id, "dataset_id": dataset_id} for i in new],
                )
                change.added.setdefault(name, []).extend(to_runs(new))
                touched |= set(new)
        if bump_matched:
            touched = set(part_ids)
        if touched:
            # Versions move only for entries that changed, so an open editor of an
            # untouched entry is not told about a conflict that did not happen.
            session.execute(
                update(Entry)
                .where(Entry.id.in_(list(touched)))
                .values(version=Entry.version + 1, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            stats.refresh_entry_flags(session, list(touched))
            stats.apply_delta(session, before, stats.contribution(session, part_ids))


def bulk_labels_recorded(
    ctx: Context,
    project: str,
    type_name: str,
    flt: EntryFilter,
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    bump_matched: bool = False,
) -> BulkChange:
    """Add and remove image-level labels on every entry matching ``flt``; say what changed."""
    if not add and not remove:
        raise InvalidInput("name at least one label to add or remove")
    for name in add:  # before any write: a bad name must not leave the others added
        check_label_name(name)
    with ctx.db.write() as session:
        dataset = get_dataset(session, project, type_name)
        ids = all_matching_ids(session, dataset.id, dataset.project_id, flt)
        change = BulkChange(matched=len(ids))
        add_ids = ensure_labels(session, dataset.project_id, add)
        remove_ids = existing_label_ids(session, dataset.project_id, remove)
        _apply(session, dataset.id, ids, add_ids, remove_ids, change, bump_matched=bump_matched)
        _record(session, dataset, change)
        return change


def _count(runs: Runs) -> int:
    return sum(last - first + 1 for first, last in runs)


def _record(session: Session, dataset: Dataset, change: BulkChange, **extra: Any) -> None:
    """One audit event for the whole change, with counts and the changed entries as runs.

    Never a row per entry: a bulk change may touch a million of them.
    """
    audit.record(
        session,
        "entry.bulk_labels",
        dataset=dataset,
        entry_runs=[
            run for runs in (*change.added.values(), *change.removed.values()) for run in runs
        ],
        detail={
            "matched": change.matched,
            "added": {name: _count(runs) for name, runs in change.added.items()},
            "removed": {name: _count(runs) for name, runs in change.removed.items()},
            **extra,
        },
    )


def revert_bulk(
    ctx: Context,
    project: str,
    type_name: str,
    added: Mapping[str, Sequence[Sequence[int]]],
    removed: Mapping[str, Sequence[Sequence[int]]],
) -> BulkChange:
    """Undo a bulk change: remove what it added and add back what it removed."""
    change = BulkChange()
    # Every run and name is checked before the first write, so a malformed undo is refused
    # whole instead of half applied.
    added_ids = {name: from_runs(runs) for name, runs in added.items()}
    removed_ids = {name: from_runs(runs) for name, runs in removed.items()}
    for name in removed_ids:
        check_label_name(name)
    with ctx.db.write() as session:
        dataset = get_dataset(session, project, type_name)
        restore = ensure_labels(session, dataset.project_id, removed_ids)
        known = existing_label_ids(session, dataset.project_id, added_ids)
        for name, ids in added_ids.items():
            if name in known:
                present = _in_dataset(session, dataset.id, ids)
                _apply(session, dataset.id, present, {}, {name: known[name]}, change)
        for name, ids in removed_ids.items():
            present = _in_dataset(session, dataset.id, ids)
            _apply(session, dataset.id, present, {name: restore[name]}, {}, change)
        change.matched = sum(len(ids) for ids in (*added_ids.values(), *removed_ids.values()))
        _record(session, dataset, change, undo=True)
        return change


def _in_dataset(session: Session, dataset_id: int, ids: list[int]) -> list[int]:
    """The ids that still name entries of this dataset (some may have been deleted since)."""
    found: list[int] = []
    for part in stats.chunks(ids):
        found.extend(
            session.scalars(
                select(Entry.id).where(Entry.dataset_id == dataset_id, Entry.id.in_(list(part)))
            )
        )
    return found
