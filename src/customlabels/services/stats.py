"""Dataset and per-label counters, kept in step with every write.

Every write that touches entries follows one pattern, so the counters can't drift:
``before = contribution(ids)``, change rows, ``refresh_entry_flags(ids)``,
``after = contribution(ids)``, ``apply_delta(before, after)``. The counters make
DescribeDataset and ListDatasetLabels one small read at any dataset size. Imports
(services.imports.entry_rows) count ``after`` from the rows they have just written instead
of reading them back, in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Integer, delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from customlabels.db.tables import Box, Dataset, DatasetLabelStat, Entry, EntryLabel

CHUNK = 5000


@dataclass
class Contribution:
    """What a set of entries adds to the counters."""

    # dataset_id -> (entries, labelled entries, entries with errors)
    datasets: Counter[tuple[int, str]] = field(default_factory=Counter)
    # (dataset_id, label_id, "entries" | "boxes") -> count
    labels: Counter[tuple[int, int, str]] = field(default_factory=Counter)


T = TypeVar("T")


def chunks(ids: Sequence[T], size: int = CHUNK) -> list[Sequence[T]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def contribution(session: Session, entry_ids: Sequence[int]) -> Contribution:
    result = Contribution()
    for part in chunks(entry_ids):
        ids = list(part)
        rows = session.execute(
            select(
                Entry.dataset_id,
                func.count(),
                func.sum(Entry.is_labeled.cast(Integer)),
                func.sum(Entry.has_errors.cast(Integer)),
            )
            .where(Entry.id.in_(ids))
            .group_by(Entry.dataset_id)
        ).all()
        for dataset_id, total, labeled, errors in rows:
            result.datasets[(dataset_id, "entries")] += total
            result.datasets[(dataset_id, "labeled")] += labeled or 0
            result.datasets[(dataset_id, "errors")] += errors or 0
        for table, kind in ((EntryLabel, "entries"), (Box, "boxes")):
            rows = session.execute(
                select(table.dataset_id, table.label_id, func.count())
                .where(table.entry_id.in_(ids))
                .group_by(table.dataset_id, table.label_id)
            ).all()
            for dataset_id, label_id, count in rows:
                result.labels[(dataset_id, label_id, kind)] += count
    return result


def apply_delta(session: Session, before: Contribution, after: Contribution) -> None:
    """Add ``after - before`` to the stored counters."""
    dataset_keys = set(before.datasets) | set(after.datasets)
    per_dataset: dict[int, dict[str, int]] = {}
    for dataset_id, kind in dataset_keys:
        diff = after.datasets[(dataset_id, kind)] - before.datasets[(dataset_id, kind)]
        if diff:
            per_dataset.setdefault(dataset_id, {})[kind] = diff
    for dataset_id, diffs in per_dataset.items():
        session.execute(
            update(Dataset)
            .where(Dataset.id == dataset_id)
            .values(
                entry_count=Dataset.entry_count + diffs.get("entries", 0),
                labeled_count=Dataset.labeled_count + diffs.get("labeled", 0),
                error_count=Dataset.error_count + diffs.get("errors", 0),
            )
        )
    label_keys = {(d, lab) for d, lab, _ in set(before.labels) | set(after.labels)}
    rows = []
    for dataset_id, label_id in label_keys:
        d_entries = (
            after.labels[(dataset_id, label_id, "entries")]
            - before.labels[(dataset_id, label_id, "entries")]
        )
        d_boxes = (
            after.labels[(dataset_id, label_id, "boxes")]
            - before.labels[(dataset_id, label_id, "boxes")]
        )
        if d_entries or d_boxes:
            rows.append(
                {
                    "dataset_id": dataset_id,
                    "label_id": label_id,
                    "entry_count": d_entries,
                    "box_count": d_boxes,
                }
            )
    if rows:
        # One statement for all labels: add to the row, or create it with the difference.
        statement = _add_to_label_stats(session.get_bind().dialect.name)
        session.execute(statement, sorted(rows, key=lambda r: (r["dataset_id"], r["label_id"])))


@lru_cache(maxsize=4)
def _add_to_label_stats(dialect_name: str) -> Any:
    """INSERT a dataset_label_stats row, or add its counts to the existing one."""
    module = sqlite if dialect_name == "sqlite" else postgresql
    table = DatasetLabelStat.__table__
    statement = module.insert(table)
    return statement.on_conflict_do_update(
        index_elements=["dataset_id", "label_id"],
        set_={
            "entry_count": table.c.entry_count + statement.excluded.entry_count,
            "box_count": table.c.box_count + statement.excluded.box_count,
        },
    )


def refresh_entry_flags(session: Session, entry_ids: Sequence[int]) -> None:
    """Recompute ``has_boxes``, ``is_labeled`` and ``has_predictions`` of entries from their
    label and box rows."""
    has_box = exists().where(Box.entry_id == Entry.id)
    has_label = exists().where(EntryLabel.entry_id == Entry.id)
    predicted = or_(
        exists().where(EntryLabel.entry_id == Entry.id, EntryLabel.confidence.is_not(None)),
        exists().where(Box.entry_id == Entry.id, Box.confidence.is_not(None)),
    )
    for part in chunks(entry_ids):
        session.execute(
            update(Entry)
            .where(Entry.id.in_(list(part)))
            .values(
                has_boxes=has_box,
                is_labeled=or_(has_label, has_box, Entry.no_objects),
                has_predictions=predicted,
            )
            .execution_options(synchronize_session=False)
        )


def recompute_dataset(session: Session, dataset_id: int) -> None:
    """Recount everything of one dataset from its rows (after merges, deletes, splits)."""
    totals = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Entry.is_labeled.cast(Integer)), 0),
            func.coalesce(func.sum(Entry.has_errors.cast(Integer)), 0),
        ).where(Entry.dataset_id == dataset_id)
    ).one()
    session.execute(
        update(Dataset)
        .where(Dataset.id == dataset_id)
        .values(entry_count=totals[0], labeled_count=totals[1], error_count=totals[2])
    )
    session.execute(delete(DatasetLabelStat).where(DatasetLabelStat.dataset_id == dataset_id))
    counts: Counter[tuple[int, str]] = Counter()
    for table, kind in ((EntryLabel, "entries"), (Box, "boxes")):
        for label_id, count in session.execute(
            select(table.label_id, func.count())
            .where(table.dataset_id == dataset_id)
            .group_by(table.label_id)
        ):
            counts[(label_id, kind)] = count
    label_ids = {label_id for label_id, _ in counts}
    if label_ids:
        session.execute(
            insert(DatasetLabelStat),
            [
                {
                    "dataset_id": dataset_id,
                    "label_id": label_id,
                    "entry_count": counts[(label_id, "entries")],
                    "box_count": counts[(label_id, "boxes")],
                }
                for label_id in label_ids
            ],
        )
