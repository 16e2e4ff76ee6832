"""Image-level labels in bulk: by a list of ids or by a filter, in one transaction."""

from __future__ import annotations

import pytest

from customlabels.errors import InvalidInput, VersionConflict
from customlabels.services import datasets, entries, labels
from customlabels.services.entry_query import EntryFilter

from .builders import by_ref, project_with, ref

PATHS = ["cat/a.jpg", "cat/b.jpg", "dog/c.jpg", "d.jpg"]


@pytest.fixture
def before(ctx):
    return project_with(ctx, PATHS)


def label_stats(ctx):
    return {
        i.name: (i.entry_count, i.box_count) for i in labels.dataset_labels(ctx, "pets", "train")
    }


def labels_by_path(ctx):
    return {k.removeprefix("upload://"): v.labels for k, v in by_ref(ctx, "pets").items()}


def versions(ctx):
    return {k.removeprefix("upload://"): v.version for k, v in by_ref(ctx, "pets").items()}


def test_bulk_adding_by_ids_labels_exactly_those_entries(ctx, before):
    ids = (before[ref("cat/a.jpg")].id, before[ref("d.jpg")].id)
    count = entries.bulk_labels(ctx, "pets", "train", EntryFilter(entry_ids=ids), add=["indoor"])
    assert count == 2
    assert labels_by_path(ctx) == {
        "cat/a.jpg": ["cat", "indoor"],
        "cat/b.jpg": ["cat"],
        "dog/c.jpg": ["dog"],
        "d.jpg": ["indoor"],
    }
    assert label_stats(ctx) == {"cat": (2, 0), "dog": (1, 0), "indoor": (2, 0)}
    assert datasets.describe_dataset(ctx, "pets", "train").stats.labeled_entries == 4


def test_bulk_changes_bump_the_version_of_each_matched_entry_once(ctx, before):
    old = versions(ctx)
    entries.bulk_labels(
        ctx, "pets", "train", EntryFilter(contains_labels=("cat",)), add=["x", "y"], remove=["z"]
    )
    new = versions(ctx)
    assert {p: new[p] - old[p] for p in new} == {
        "cat/a.jpg": 1,
        "cat/b.jpg": 1,
        "dog/c.jpg": 0,
        "d.jpg": 0,
    }


def test_an_editor_holding_an_entry_from_before_a_bulk_change_gets_a_conflict(ctx, before):
    held = before[ref("cat/a.jpg")]
    entries.bulk_labels(ctx, "pets", "train", EntryFilter(), add=["seen"])
    with pytest.raises(VersionConflict):
        entries.edit_entry(
            ctx, "pets", "train", held.id, expected_version=held.version, remove_labels=["seen"]
        )
    assert "seen" in labels_by_path(ctx)["cat/a.jpg"]


def test_bulk_adding_by_filter_labels_every_match(ctx, before):
    count = entries.bulk_labels(ctx, "pets", "train", EntryFilter(labeled=True), add=["animal"])
    assert count == 3
    assert labels_by_path(ctx) == {
        "cat/a.jpg": ["animal", "cat"],
        "cat/b.jpg": ["animal", "cat"],
        "dog/c.jpg": ["animal", "dog"],
        "d.jpg": [],
    }
    assert label_stats(ctx)["animal"] == (3, 0)


def test_bulk_removing_by_filter_takes_the_label_off_and_may_leave_entries_unlabelled(ctx, before):
    count = entries.bulk_labels(
        ctx, "pets", "train", EntryFilter(contains_labels=("cat",)), remove=["cat"]
    )
    assert count == 2
    assert labels_by_path(ctx) == {
        "cat/a.jpg": [],
        "cat/b.jpg": [],
        "dog/c.jpg": ["dog"],
        "d.jpg": [],
    }
    stats = datasets.describe_dataset(ctx, "pets", "train").stats
    assert (stats.total_entries, stats.labeled_entries, stats.total_labels) == (4, 1, 1)
    assert label_stats(ctx) == {"cat": (0, 0), "dog": (1, 0)}


def test_bulk_adding_a_label_some_entries_already_have_counts_each_entry_once(ctx, before):
    count = entries.bulk_labels(ctx, "pets", "train", EntryFilter(), add=["cat"])
    assert count == 4
    assert label_stats(ctx) == {"cat": (4, 0), "dog": (1, 0)}
    assert labels_by_path(ctx)["dog/c.jpg"] == ["cat", "dog"]


def test_bulk_add_and_remove_in_one_request_relabel_the_matches(ctx, before):
    entries.bulk_labels(
        ctx,
        "pets",
        "train",
        EntryFilter(source_ref_contains="cat/"),
        add=["feline"],
        remove=["cat"],
    )
    assert labels_by_path(ctx) == {
        "cat/a.jpg": ["feline"],
        "cat/b.jpg": ["feline"],
        "dog/c.jpg": ["dog"],
        "d.jpg": [],
    }
    assert label_stats(ctx) == {"cat": (0, 0), "dog": (1, 0), "feline": (2, 0)}


def test_a_bulk_filter_that_matches_nothing_changes_nothing(ctx, before):
    old = versions(ctx)
    count = entries.bulk_labels(
        ctx, "pets", "train", EntryFilter(source_ref_contains="nothing"), add=["x"]
    )
    assert count == 0
    assert versions(ctx) == old
    assert label_stats(ctx)["x"] == (0, 0)


@pytest.mark.parametrize("bad", ["", "x" * 256])
def test_a_bulk_request_with_one_invalid_label_name_changes_nothing(ctx, before, bad):
    old_versions = versions(ctx)
    old_labels = labels_by_path(ctx)
    with pytest.raises(InvalidInput, match="1 to 255"):
        entries.bulk_labels(ctx, "pets", "train", EntryFilter(), add=["good", bad], remove=["cat"])
    assert versions(ctx) == old_versions
    assert labels_by_path(ctx) == old_labels
    assert [lab.name for lab in labels.list_labels(ctx, "pets")] == ["cat", "dog"]
    assert label_stats(ctx) == {"cat": (2, 0), "dog": (1, 0)}


def test_a_bulk_request_naming_no_label_is_refused(ctx, before):
    with pytest.raises(InvalidInput, match="at least one label"):
        entries.bulk_labels(ctx, "pets", "train", EntryFilter())
