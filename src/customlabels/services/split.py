"""DistributeDatasetEntries: move a random 20% of TRAIN into an empty TEST, by label."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from customlabels.db.tables import Box, Dataset, Entry, EntryLabel
from customlabels.errors import InvalidInput
from customlabels.services import audit, stats
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset, insert_dataset
from customlabels.services.job_titles import distribute_title
from customlabels.services.jobs import Progress, create_job

TEST_FRACTION = 0.2


def choose_test_entries(
    entry_labels: dict[int, set[int]], fraction: float, seed: int | None
) -> list[int]:
    """Pick about ``fraction`` of the entries, stratified so every label stays on both sides.

    Each entry is grouped under its rarest label (unlabelled entries form one group); each
    group gives ``round(fraction * n)`` entries, at least one when it has two or more and
    never all of them, so a label with two or more entries keeps examples in both sets.
    """
    rng = random.Random(seed)
    frequency: Counter[int] = Counter(label for labels in entry_labels.values() for label in labels)
    groups: dict[int | None, list[int]] = defaultdict(list)
    for entry_id in sorted(entry_labels):
        labels = entry_labels[entry_id]
        key = min(labels, key=lambda lab: (frequency[lab], lab)) if labels else None
        groups[key].append(entry_id)
    chosen: list[int] = []
    for key in sorted(groups, key=lambda k: (k is None, k or 0)):
        members = groups[key]
        rng.shuffle(members)
        take = round(fraction * len(members))
        take = min(max(take, 1), len(members) - 1) if len(members) >= 2 else 0
        chosen.extend(members[:take])
    picked = set(chosen)
    _keep_labels_on_both_sides(entry_labels, frequency, picked, rng)
    return sorted(picked)


def _keep_labels_on_both_sides(
    entry_labels: dict[int, set[int]],
    frequency: Counter[int],
    picked: set[int],
    rng: random.Random,
    candidates: int = 50,
) -> None:
    """Move single entries across until every label with 2+ entries is on both sides.

    Grouping by the rarest label leaves a label one-sided when all its entries sit in
    other labels' groups (say two entries, each also the only one of a rarer label). Each
    fix moves the entry whose move leaves the fewest of its labels one-sided. A perfect
    split does not always exist (three labels pairwise sharing three entries), so the
    passes are bounded.
    """
    members: dict[int, list[int]] = defaultdict(list)
    for entry_id in sorted(entry_labels):
        for label in entry_labels[entry_id]:
            members[label].append(entry_id)

    def one_sided(label: int) -> bool:
        ids = members[label]
        inside = sum(1 for e in ids if e in picked)
        return len(ids) >= 2 and inside in (0, len(ids))

    def broken_after_moving(entry_id: int) -> int:
        picked.symmetric_difference_update({entry_id})
        broken = sum(one_sided(label) for label in entry_labels[entry_id])
        picked.symmetric_difference_update({entry_id})
        return broken

    for _ in range(3):
        changed = False
        for label in sorted(members, key=lambda lab: (frequency[lab], lab)):
            if not one_sided(label):
                continue
            pool = members[label]
            pool = rng.sample(pool, min(len(pool), candidates))
            best = min(pool, key=broken_after_moving)
            picked.symmetric_difference_update({best})
            changed = True
        if not changed:
            return


def distribute(
    ctx: Context, project: str, seed: int | None, progress: Progress | None
) -> dict[str, Any]:
    """Move entries from TRAIN to the empty TEST dataset (created when missing)."""
    with ctx.db.write() as session:
        train = get_dataset(session, project, "TRAIN")
        test = session.scalar(
            select(Dataset).where(
                Dataset.project_id == train.project_id, Dataset.dataset_type == "TEST"
            )
        )
        if test is None:
            test = insert_dataset(
                session, project, "TEST", status="CREATE_COMPLETE", source={"kind": "split"}
            )
        elif session.scalar(select(func.count()).where(Entry.dataset_id == test.id)):
            raise InvalidInput(
                f"the TEST dataset of {project!r} is not empty; distribute needs an empty one"
            )
        entry_labels: dict[int, set[int]] = {
            entry_id: set()
            for entry_id in session.scalars(select(Entry.id).where(Entry.dataset_id == train.id))
        }
        if len(entry_labels) < 2:
            raise InvalidInput("the TRAIN dataset needs at least 2 entries to distribute")
        for table in (EntryLabel, Box):
            for entry_id, label_id in session.execute(
                select(table.entry_id, table.label_id).where(table.dataset_id == train.id)
            ):
                entry_labels[entry_id].add(label_id)
        chosen = choose_test_entries(entry_labels, TEST_FRACTION, seed)
        if progress:
            progress.total = len(chosen)
        for part in stats.chunks(chosen):
            ids = list(part)
            session.execute(
                update(Entry)
                .where(Entry.id.in_(ids))
                .values(dataset_id=test.id)
                .execution_options(synchronize_session=False)
            )
            for table in (EntryLabel, Box):
                session.execute(
                    update(table)
                    .where(table.entry_id.in_(ids))
                    .values(dataset_id=test.id)
                    .execution_options(synchronize_session=False)
                )
        stats.recompute_dataset(session, train.id)
        stats.recompute_dataset(session, test.id)
        audit.record(
            session,
            "dataset.split",
            dataset=test,
            entry_ids=chosen,
            detail={"moved": len(chosen), "train": len(entry_labels) - len(chosen)},
        )
    if progress:
        progress.advance(len(chosen))
    return {"moved": len(chosen), "train": len(entry_labels) - len(chosen), "test": len(chosen)}


def _train_and_test(session: Session, train: Dataset) -> list[Dataset]:
    test = session.scalar(
        select(Dataset).where(
            Dataset.project_id == train.project_id, Dataset.dataset_type == "TEST"
        )
    )
    return [train] if test is None else [train, test]


def end_distribute(ctx: Context, project: str, ok: bool, message: str) -> None:
    """Say on both datasets how a distribution ended (UPDATE_COMPLETE or UPDATE_FAILED)."""
    with ctx.db.write() as session:
        train = get_dataset(session, project, "TRAIN")
        # Only those start_distribute marked: a TEST made by the distribution says created.
        marked = [d for d in _train_and_test(session, train) if d.status == "UPDATE_IN_PROGRESS"]
        for dataset in marked:
            if ok:
                dataset.status = "UPDATE_COMPLETE"
                dataset.status_message = f"The dataset was successfully updated: {message}."
                dataset.status_message_code = "SUCCESS"
            else:
                dataset.status = "UPDATE_FAILED"
                dataset.status_message = f"The distribution failed: {message}"
                dataset.status_message_code = "CLIENT_ERROR"


def start_distribute(ctx: Context, project: str, seed: int | None) -> int:
    """Queue a distribute job (checked up front so a bad request fails before queueing)."""
    with ctx.db.write() as session:
        train = get_dataset(session, project, "TRAIN")
        # Both datasets say they are being updated from now on, as the hosted service's
        # do: a script polls DescribeDataset of either until UPDATE_COMPLETE.
        for dataset in _train_and_test(session, train):
            dataset.status = "UPDATE_IN_PROGRESS"
            dataset.status_message = "Dataset is being updated"
            dataset.status_message_code = "SUCCESS"
        job = create_job(
            session,
            "dataset.distribute",
            {"seed": seed},
            title=distribute_title(),
            project_id=train.project_id,
            dataset_id=train.id,
        )
        return job.id
