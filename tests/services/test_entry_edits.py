"""Editing one entry: image-level labels and boxes, each write versioned."""

from __future__ import annotations

import math

import pytest

from customlabels.errors import EntryNotFound, InvalidInput, VersionConflict
from customlabels.services import datasets, entries, labels
from customlabels.services.entries import BoxInput
from customlabels.services.entry_query import EntryFilter

from .builders import all_entries, project_with, ref, upload

# Uploaded images are 32 x 24 pixels.


@pytest.fixture
def entry(ctx):
    return project_with(ctx, ["cat/a.jpg"])[ref("cat/a.jpg")]


def edit(ctx, entry, **changes):
    return entries.edit_entry(
        ctx, "pets", "train", entry.id, expected_version=entry.version, **changes
    )


def reread(ctx, entry):
    return entries.get_entry(ctx, "pets", "train", entry.id)


def boxes_of(view):
    return [(b.label, b.left, b.top, b.width, b.height) for b in view.boxes]


def label_stats(ctx):
    return {
        i.name: (i.entry_count, i.box_count) for i in labels.dataset_labels(ctx, "pets", "train")
    }


def test_an_entry_shows_its_labels_and_asset(ctx, entry):
    view = reread(ctx, entry)
    assert view.labels == ["cat"]
    assert view.is_labeled and not view.has_errors and view.boxes == []
    assert (view.asset.width, view.asset.height, view.asset.image_format) == (32, 24, "JPEG")
    assert len(view.asset.sha256) == 64


def test_adding_labels_puts_them_on_the_entry_and_creates_new_ones(ctx, entry):
    after = edit(ctx, entry, add_labels=["indoor", "cute", "indoor"])
    assert after.labels == ["cat", "cute", "indoor"]
    assert reread(ctx, entry).labels == ["cat", "cute", "indoor"]
    assert label_stats(ctx) == {"cat": (1, 0), "cute": (1, 0), "indoor": (1, 0)}


def test_adding_a_label_the_entry_already_has_changes_nothing_but_the_version(ctx, entry):
    after = edit(ctx, entry, add_labels=["cat"])
    assert after.labels == ["cat"]
    assert after.version == entry.version + 1
    assert label_stats(ctx) == {"cat": (1, 0)}


def test_removing_the_only_label_makes_the_entry_unlabelled(ctx, entry):
    after = edit(ctx, entry, remove_labels=["cat"])
    assert after.labels == [] and not after.is_labeled
    assert [e.id for e in all_entries(ctx, "pets", flt=EntryFilter(labeled=False))] == [entry.id]
    stats = datasets.describe_dataset(ctx, "pets", "train").stats
    assert (stats.labeled_entries, stats.total_labels) == (0, 0)
    # the label stays in the vocabulary
    assert label_stats(ctx) == {"cat": (0, 0)}


def test_removing_a_label_the_entry_does_not_have_is_harmless(ctx, entry):
    after = edit(ctx, entry, remove_labels=["dog", "never heard of it"])
    assert after.labels == ["cat"]


def test_adding_a_box_shows_it_on_the_entry_and_in_the_counters(ctx, entry):
    after = edit(ctx, entry, add_boxes=[BoxInput("nose", 2, 3, 10, 8)])
    assert boxes_of(after) == [("nose", 2, 3, 10, 8)]
    assert all_entries(ctx, "pets", flt=EntryFilter(has_boxes=True))[0].id == entry.id
    assert label_stats(ctx) == {"cat": (1, 0), "nose": (0, 1)}


def test_a_box_can_be_moved_and_resized(ctx, entry):
    with_box = edit(ctx, entry, add_boxes=[BoxInput("nose", 2, 3, 10, 8)])
    box_id = with_box.boxes[0].id
    after = edit(ctx, with_box, update_boxes={box_id: BoxInput("nose", 20, 10, 12, 14)})
    assert boxes_of(after) == [("nose", 20, 10, 12, 14)]
    assert after.boxes[0].id == box_id
    assert label_stats(ctx) == {"cat": (1, 0), "nose": (0, 1)}


def test_a_box_can_change_its_label(ctx, entry):
    with_box = edit(ctx, entry, add_boxes=[BoxInput("nose", 2, 3, 10, 8)])
    after = edit(ctx, with_box, update_boxes={with_box.boxes[0].id: BoxInput("ear", 2, 3, 10, 8)})
    assert boxes_of(after) == [("ear", 2, 3, 10, 8)]
    assert label_stats(ctx) == {"cat": (1, 0), "ear": (0, 1), "nose": (0, 0)}


def test_a_box_can_be_deleted(ctx, entry):
    with_box = edit(
        ctx, entry, add_boxes=[BoxInput("nose", 2, 3, 10, 8), BoxInput("ear", 0, 0, 4, 4)]
    )
    nose = next(b.id for b in with_box.boxes if b.label == "nose")
    after = edit(ctx, with_box, delete_box_ids=[nose])
    assert boxes_of(after) == [("ear", 0, 0, 4, 4)]
    assert label_stats(ctx) == {"cat": (1, 0), "ear": (0, 1), "nose": (0, 0)}


def test_deleting_the_last_box_of_an_unlabelled_entry_makes_it_unlabelled(ctx):
    entry = project_with(ctx, ["a.jpg"])[ref("a.jpg")]
    with_box = edit(ctx, entry, add_boxes=[BoxInput("nose", 2, 3, 10, 8)])
    assert with_box.is_labeled
    after = edit(ctx, with_box, delete_box_ids=[with_box.boxes[0].id])
    assert not after.is_labeled
    assert all_entries(ctx, "pets", flt=EntryFilter(has_boxes=True)) == []


def test_replacing_all_boxes_leaves_exactly_the_new_ones(ctx, entry):
    with_boxes = edit(
        ctx, entry, add_boxes=[BoxInput("nose", 2, 3, 10, 8), BoxInput("ear", 0, 0, 4, 4)]
    )
    after = edit(
        ctx,
        with_boxes,
        boxes=[
            BoxInput("eye", 1, 1, 2, 2),
            BoxInput("eye", 5, 1, 2, 2),
            BoxInput("ear", 0, 0, 3, 3),
        ],
    )
    assert sorted(boxes_of(after)) == [
        ("ear", 0, 0, 3, 3),
        ("eye", 1, 1, 2, 2),
        ("eye", 5, 1, 2, 2),
    ]
    assert label_stats(ctx) == {"cat": (1, 0), "ear": (0, 1), "eye": (0, 2), "nose": (0, 0)}


def test_replacing_all_boxes_with_none_clears_them(ctx, entry):
    with_box = edit(ctx, entry, add_boxes=[BoxInput("nose", 2, 3, 10, 8)])
    after = edit(ctx, with_box, boxes=[])
    assert after.boxes == []
    assert after.labels == ["cat"]


def test_a_box_covering_the_whole_image_is_accepted(ctx, entry):
    after = edit(ctx, entry, add_boxes=[BoxInput("all", 0, 0, 32, 24)])
    assert boxes_of(after) == [("all", 0, 0, 32, 24)]


def test_boxes_with_fractional_pixels_keep_their_values(ctx, entry):
    after = edit(ctx, entry, add_boxes=[BoxInput("nose", 1.25, 2.5, 3.75, 4.125)])
    assert boxes_of(reread(ctx, after)) == [("nose", 1.25, 2.5, 3.75, 4.125)]


def test_each_write_increases_the_version_by_one(ctx, entry):
    versions = [entry.version]
    view = entry
    for change in (
        {"add_labels": ["x"]},
        {"add_boxes": [BoxInput("y", 0, 0, 1, 1)]},
        {"remove_labels": ["x"]},
        {"boxes": []},
    ):
        view = edit(ctx, view, **change)
        versions.append(view.version)
        assert reread(ctx, view).version == view.version
    assert versions == list(range(entry.version, entry.version + 5))


def test_a_write_with_a_stale_version_is_refused_and_changes_nothing(ctx, entry):
    edit(ctx, entry, add_labels=["first"])  # someone else saves in between
    current = reread(ctx, entry)
    with pytest.raises(VersionConflict, match="reload") as info:
        edit(ctx, entry, add_labels=["second"], add_boxes=[BoxInput("nose", 1, 1, 2, 2)])
    assert info.value.status == 409
    assert info.value.details["current_version"] == current.version
    again = reread(ctx, entry)
    assert (again.labels, again.boxes, again.version) == (["cat", "first"], [], current.version)
    assert "second" not in {lab.name for lab in labels.list_labels(ctx, "pets")}


def test_a_write_with_a_future_version_is_refused(ctx, entry):
    with pytest.raises(VersionConflict):
        entries.edit_entry(
            ctx, "pets", "train", entry.id, expected_version=entry.version + 5, add_labels=["x"]
        )
    assert reread(ctx, entry).labels == ["cat"]


BAD_BOXES = [
    (BoxInput("n", 0, 0, 0, 5), "positive width and height"),
    (BoxInput("n", 0, 0, 5, 0), "positive width and height"),
    (BoxInput("n", 0, 0, -3, 5), "positive width and height"),
    (BoxInput("n", -1, 0, 5, 5), "outside the image"),
    (BoxInput("n", 0, -1, 5, 5), "outside the image"),
    (BoxInput("n", 30, 0, 5, 5), "ends outside the 32x24 image"),
    (BoxInput("n", 0, 20, 5, 5), "ends outside the 32x24 image"),
    (BoxInput("n", 0, 0, 33, 24), "ends outside the 32x24 image"),
    (BoxInput("n", math.nan, 0, 5, 5), "non-finite"),
    (BoxInput("n", 0, 0, math.inf, 5), "non-finite"),
]


def test_a_box_outside_the_image_or_without_area_is_refused_and_changes_nothing(ctx, entry):
    for box, message in BAD_BOXES:
        with pytest.raises(InvalidInput, match=message):
            edit(ctx, entry, add_labels=["extra"], add_boxes=[box])
    again = reread(ctx, entry)
    assert (again.labels, again.boxes, again.version) == (["cat"], [], entry.version)
    assert label_stats(ctx) == {"cat": (1, 0)}


def test_moving_a_box_outside_the_image_is_refused(ctx, entry):
    with_box = edit(ctx, entry, add_boxes=[BoxInput("nose", 2, 3, 10, 8)])
    with pytest.raises(InvalidInput, match="outside"):
        edit(ctx, with_box, update_boxes={with_box.boxes[0].id: BoxInput("nose", 25, 3, 10, 8)})
    assert boxes_of(reread(ctx, entry)) == [("nose", 2, 3, 10, 8)]


def test_a_box_of_another_entry_cannot_be_changed_or_deleted(ctx):
    found = project_with(ctx, ["a.jpg", "b.jpg"])
    a, b = found[ref("a.jpg")], found[ref("b.jpg")]
    b = edit(ctx, b, add_boxes=[BoxInput("nose", 1, 1, 2, 2)])
    foreign = b.boxes[0].id
    with pytest.raises(InvalidInput, match="no box"):
        edit(ctx, a, delete_box_ids=[foreign])
    with pytest.raises(InvalidInput, match="no box"):
        edit(ctx, a, update_boxes={foreign: BoxInput("nose", 3, 3, 2, 2)})
    assert boxes_of(reread(ctx, b)) == [("nose", 1, 1, 2, 2)]
    assert reread(ctx, a).version == a.version


def test_a_label_name_too_long_in_an_edit_is_refused(ctx, entry):
    with pytest.raises(InvalidInput, match="1 to 255"):
        edit(ctx, entry, add_labels=["x" * 256])
    assert reread(ctx, entry).version == entry.version


def test_marking_an_entry_as_showing_no_objects_makes_it_labelled(ctx):
    entry = project_with(ctx, ["a.jpg"])[ref("a.jpg")]
    after = edit(ctx, entry, no_objects=True)
    assert after.no_objects and after.is_labeled and after.labels == []
    assert datasets.describe_dataset(ctx, "pets", "train").stats.labeled_entries == 1
    cleared = edit(ctx, after, no_objects=False)
    assert not cleared.is_labeled


def test_an_entry_of_another_dataset_is_not_found(ctx, entry):
    other = upload(ctx, "pets", ["t.jpg"], type_name="test")[ref("t.jpg")]
    with pytest.raises(EntryNotFound):
        entries.get_entry(ctx, "pets", "train", other.id)
    with pytest.raises(EntryNotFound):
        entries.edit_entry(
            ctx, "pets", "train", other.id, expected_version=other.version, add_labels=["x"]
        )
    assert entries.get_entry(ctx, "pets", "test", other.id).labels == []


def test_deleting_entries_removes_them_and_their_counts(ctx):
    found = project_with(ctx, ["cat/a.jpg", "cat/b.jpg", "dog/c.jpg"])
    gone = entries.delete_entries(ctx, "pets", "train", EntryFilter(contains_labels=("cat",)))
    assert gone == 2
    assert [e.source_ref for e in all_entries(ctx, "pets")] == [ref("dog/c.jpg")]
    stats = datasets.describe_dataset(ctx, "pets", "train").stats
    assert (stats.total_entries, stats.labeled_entries, stats.total_labels) == (1, 1, 1)
    assert label_stats(ctx) == {"cat": (0, 0), "dog": (1, 0)}
    with pytest.raises(EntryNotFound):
        entries.get_entry(ctx, "pets", "train", found[ref("cat/a.jpg")].id)
