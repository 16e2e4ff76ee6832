"""Distribute: a random, stratified 20% of TRAIN moves into an empty TEST."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from customlabels.errors import DatasetNotFound, InvalidInput
from customlabels.services import datasets, entries, labels, runner, split
from customlabels.services.entries import BoxInput
from customlabels.services.entry_query import EntryFilter

from .builders import all_entries, project_with, ref, upload


def distribute(ctx, seed=7, project="pets"):
    """Run a distribute job to the end, as the CLI does; returns the finished job."""
    return runner.run_job(ctx, split.start_distribute(ctx, project, seed))


def sides(ctx, project="pets"):
    return {
        side: {e.source_ref: e for e in all_entries(ctx, project, side)}
        for side in ("train", "test")
    }


def label_counts(views):
    counts: Counter[str] = Counter()
    for view in views:
        counts.update(set(view.labels) | {b.label for b in view.boxes})
    return counts


def test_distribute_moves_about_a_fifth_of_train_into_test(ctx):
    paths = [f"{label}/{n}.jpg" for label in ("a", "b", "c", "d") for n in range(5)]
    paths += [f"loose{n}.jpg" for n in range(5)]
    before = project_with(ctx, paths)

    job = distribute(ctx)

    assert job.status == "SUCCEEDED", job.message
    assert job.result == {"moved": 5, "train": 20, "test": 5}
    after = sides(ctx)
    assert len(after["train"]) == 20 and len(after["test"]) == 5
    assert set(after["train"]) | set(after["test"]) == set(before)
    assert not set(after["train"]) & set(after["test"])
    # each entry keeps its labels and image on the way
    for side in after.values():
        for source_ref, view in side.items():
            assert view.labels == before[source_ref].labels
            assert view.asset.sha256 == before[source_ref].asset.sha256


def test_distribute_keeps_every_label_with_two_or_more_entries_on_both_sides(ctx):
    sizes = {"two": 2, "three": 3, "five": 5, "eleven": 11, "one": 1}
    paths = [f"{label}/{n}.jpg" for label, size in sizes.items() for n in range(size)]
    paths += [f"loose{n}.jpg" for n in range(4)]
    project_with(ctx, paths)

    distribute(ctx)

    after = sides(ctx)
    train, test = label_counts(after["train"].values()), label_counts(after["test"].values())
    for label, size in sizes.items():
        assert train[label] + test[label] == size
        if size >= 2:
            assert train[label] >= 1 and test[label] >= 1, (label, train[label], test[label])


# 'shared' is on two entries, each also the only entry of a rarer label; 'boxed' is only
# on boxes, likewise; 'common' is on four entries of its own.
MULTI_LABEL_PLAN = {
    0: (["shared", "solo1"], []),
    1: (["shared", "solo2"], []),
    2: ([], ["boxed", "solo3"]),
    3: ([], ["boxed", "solo4"]),
    4: (["common"], []),
    5: (["common"], []),
    6: (["common"], []),
    7: (["common"], []),
}


def _multi_label_project(ctx, name):
    found = project_with(ctx, [f"p{n}.jpg" for n in range(12)], name=name)
    for n, (image_labels, box_labels) in MULTI_LABEL_PLAN.items():
        view = found[ref(f"p{n}.jpg")]
        entries.edit_entry(
            ctx,
            name,
            "train",
            view.id,
            expected_version=view.version,
            add_labels=image_labels,
            add_boxes=[BoxInput(label, 1, 1, 4, 4) for label in box_labels],
        )


def test_distribute_stratifies_by_every_label_of_multi_label_entries_and_boxes(ctx):
    for seed in (1, 2, 3):
        _multi_label_project(ctx, f"seed{seed}")
        assert distribute(ctx, seed=seed, project=f"seed{seed}").status == "SUCCEEDED"
        after = sides(ctx, f"seed{seed}")
        train, test = label_counts(after["train"].values()), label_counts(after["test"].values())
        for label in ("shared", "boxed", "common"):
            assert train[label] >= 1 and test[label] >= 1, (seed, label, train, test)


def test_the_same_seed_gives_the_same_split(ctx):
    paths = [f"{label}/{n}.jpg" for label in ("a", "b", "c") for n in range(8)]
    splits = []
    for run in range(2):
        project_with(ctx, paths, name=f"run{run}")
        distribute(ctx, seed=42, project=f"run{run}")
        splits.append(sorted(sides(ctx, f"run{run}")["test"]))
    assert splits[0] == splits[1]


def test_different_seeds_give_different_splits(ctx):
    paths = [f"{label}/{n}.jpg" for label in ("a", "b", "c") for n in range(8)]
    splits = set()
    for seed in range(4):
        project_with(ctx, paths, name=f"seed{seed}")
        distribute(ctx, seed=seed, project=f"seed{seed}")
        splits.add(tuple(sorted(sides(ctx, f"seed{seed}")["test"])))
    assert len(splits) > 1


def test_distribute_creates_the_test_dataset_when_missing(ctx):
    project_with(ctx, [f"a/{n}.jpg" for n in range(5)])
    with pytest.raises(DatasetNotFound):
        datasets.describe_dataset(ctx, "pets", "test")
    distribute(ctx)
    test = datasets.describe_dataset(ctx, "pets", "test")
    assert test.status == "CREATE_COMPLETE"
    assert test.stats.total_entries == 1


def test_distribute_fills_an_existing_empty_test_dataset(ctx):
    project_with(ctx, [f"a/{n}.jpg" for n in range(5)])
    datasets.create_empty_dataset(ctx, "pets", "test")
    assert distribute(ctx).status == "SUCCEEDED"
    assert datasets.describe_dataset(ctx, "pets", "test").stats.total_entries == 1


def test_distribute_is_refused_when_test_is_not_empty_and_moves_nothing(ctx):
    project_with(ctx, [f"a/{n}.jpg" for n in range(5)])
    upload(ctx, "pets", ["t.jpg"], type_name="test")

    job = distribute(ctx)

    assert job.status == "FAILED"
    assert "not empty" in job.message
    assert len(all_entries(ctx, "pets", "train")) == 5
    assert len(all_entries(ctx, "pets", "test")) == 1
    with pytest.raises(InvalidInput, match="not empty"):
        split.distribute(ctx, "pets", 1, None)


def test_distribute_needs_at_least_two_entries_in_train(ctx):
    project_with(ctx, ["a/0.jpg"])
    with pytest.raises(InvalidInput, match="at least 2"):
        split.distribute(ctx, "pets", 1, None)


def test_counters_of_both_datasets_match_their_entries_after_distribute(ctx):
    found = project_with(ctx, [f"{label}/{n}.jpg" for label in ("a", "b") for n in range(6)])
    view = found[ref("a/0.jpg")]
    entries.edit_entry(
        ctx,
        "pets",
        "train",
        view.id,
        expected_version=view.version,
        add_boxes=[BoxInput("b", 1, 1, 2, 2), BoxInput("c", 1, 1, 2, 2)],
    )
    distribute(ctx)
    for side in ("train", "test"):
        views = all_entries(ctx, "pets", side)
        stats = datasets.describe_dataset(ctx, "pets", side).stats
        assert stats.total_entries == len(views)
        assert stats.labeled_entries == sum(v.is_labeled for v in views)
        image_level = Counter(name for v in views for name in v.labels)
        boxes = Counter(b.label for v in views for b in v.boxes)
        per_label = {
            i.name: (i.entry_count, i.box_count) for i in labels.dataset_labels(ctx, "pets", side)
        }
        assert per_label == {n: (image_level[n], boxes[n]) for n in ("a", "b", "c")}
        assert stats.total_labels == len(set(image_level) | set(boxes))
    assert len(all_entries(ctx, "pets", "test", EntryFilter(labeled=True))) >= 2


def test_a_distribution_whose_worker_died_leaves_both_datasets_failed_and_nothing_moved(
    ctx, monkeypatch
):
    """A worker killed mid-distribution: when the next worker starts, TRAIN and TEST say
    UPDATE_FAILED with the reason (not "being updated" for ever), and distributing again
    works."""
    from customlabels.services import jobs
    from customlabels.services.job_recovery import recover_jobs

    paths = [f"{label}/{n}.jpg" for label in ("a", "b") for n in range(5)]
    project_with(ctx, paths)
    datasets.create_empty_dataset(ctx, "pets", "test")
    job_id = split.start_distribute(ctx, "pets", 7)
    assert jobs.mark_running(ctx, job_id)  # a worker took it, then died without a trace
    monkeypatch.setattr(ctx.settings, "job_lease_s", 0.05)
    time.sleep(0.2)  # its lease runs out: no heartbeat came

    recovered = recover_jobs(ctx, enqueue=lambda *_: None, queued_ids=set)

    assert recovered.failed == [job_id]
    for side in ("train", "test"):
        info = datasets.describe_dataset(ctx, "pets", side)
        assert info.status == "UPDATE_FAILED", (side, info.status)
        assert "distribution did not finish" in info.status_message
    assert len(sides(ctx)["test"]) == 0
    assert distribute(ctx).status == "SUCCEEDED"
    assert datasets.describe_dataset(ctx, "pets", "test").status == "UPDATE_COMPLETE"
