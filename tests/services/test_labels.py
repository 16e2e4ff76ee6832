"""The label vocabulary: create, rename, recolour, merge, delete; names kept exactly."""

from __future__ import annotations

import re

import pytest

from customlabels.errors import AlreadyExists, InvalidInput, LabelNotFound
from customlabels.services import datasets, entries, labels, projects
from customlabels.services.entries import BoxInput
from customlabels.services.entry_query import EntryFilter

from .builders import all_entries, by_ref, project_with, ref, upload


def _label_stats(ctx, project="pets", type_name="train"):
    return {
        info.name: (info.entry_count, info.box_count)
        for info in labels.dataset_labels(ctx, project, type_name)
    }


def _edit(ctx, entry, **changes):
    return entries.edit_entry(
        ctx, "pets", "train", entry.id, expected_version=entry.version, **changes
    )


def test_a_created_label_is_listed_with_a_colour(ctx):
    projects.create_project(ctx, "pets")
    made = labels.create_label(ctx, "pets", "cat")
    assert made.name == "cat"
    assert made.color.startswith("#") and len(made.color) == 7
    assert [(lab.name, lab.color) for lab in labels.list_labels(ctx, "pets")] == [
        ("cat", made.color)
    ]


def test_a_label_created_twice_is_refused(ctx):
    projects.create_project(ctx, "pets")
    labels.create_label(ctx, "pets", "cat")
    with pytest.raises(AlreadyExists, match="cat"):
        labels.create_label(ctx, "pets", "cat")
    assert [lab.name for lab in labels.list_labels(ctx, "pets")] == ["cat"]


@pytest.mark.parametrize("name", ["", "x" * 256])
def test_a_label_name_that_is_empty_or_longer_than_255_is_refused(ctx, name):
    projects.create_project(ctx, "pets")
    with pytest.raises(InvalidInput, match="1 to 255"):
        labels.create_label(ctx, "pets", name)
    assert labels.list_labels(ctx, "pets") == []


ODD_NAMES = [
    'say "cheese"',
    "it's",
    "<b>bold</b> & <script>alert(1)</script>",
    "🐱‍👤 ninja cat",
    "قطة",
    "שלום world",
    "  spaced  ",
    "back\\slash%_",
    "x" * 255,
]


def test_label_names_with_any_characters_are_stored_and_returned_exactly(ctx):
    found = project_with(ctx, [f"{n}.jpg" for n in range(len(ODD_NAMES))], folder_labels=False)
    for n, name in enumerate(ODD_NAMES):
        labels.create_label(ctx, "pets", name)
        entry = _edit(ctx, found[ref(f"{n}.jpg")], add_labels=[name])
        assert entry.labels == [name]
        matches = all_entries(ctx, "pets", flt=EntryFilter(contains_labels=(name,)))
        assert [e.labels for e in matches] == [[name]]
    assert sorted(lab.name for lab in labels.list_labels(ctx, "pets")) == sorted(ODD_NAMES)
    assert _label_stats(ctx) == {name: (1, 0) for name in ODD_NAMES}
    assert [by_ref(ctx, "pets")[ref(f"{n}.jpg")].labels for n in range(len(ODD_NAMES))] == [
        [name] for name in ODD_NAMES
    ]


def test_labels_differing_only_in_case_are_two_labels(ctx):
    entries_by_ref = project_with(ctx, ["Cat/a.jpg", "cat/b.jpg"])
    assert [lab.name for lab in labels.list_labels(ctx, "pets")] == ["Cat", "cat"]
    assert _label_stats(ctx) == {"Cat": (1, 0), "cat": (1, 0)}
    upper = all_entries(ctx, "pets", flt=EntryFilter(contains_labels=("Cat",)))
    assert [e.id for e in upper] == [entries_by_ref[ref("Cat/a.jpg")].id]


def test_renaming_a_label_renames_it_on_every_entry_and_box(ctx):
    entries_by_ref = project_with(ctx, ["cat/a.jpg", "cat/b.jpg", "dog/c.jpg"])
    _edit(ctx, entries_by_ref[ref("dog/c.jpg")], add_boxes=[BoxInput("cat", 1, 1, 5, 5)])

    renamed = labels.rename_label(ctx, "pets", "cat", "kitten")

    assert renamed.name == "kitten"
    after = by_ref(ctx, "pets")
    assert after[ref("cat/a.jpg")].labels == ["kitten"]
    assert after[ref("cat/b.jpg")].labels == ["kitten"]
    assert [b.label for b in after[ref("dog/c.jpg")].boxes] == ["kitten"]
    assert _label_stats(ctx) == {"dog": (1, 0), "kitten": (2, 1)}
    with pytest.raises(LabelNotFound):
        labels.label_usage(ctx, "pets", "cat")


def test_renaming_a_label_keeps_its_colour(ctx):
    projects.create_project(ctx, "pets")
    made = labels.create_label(ctx, "pets", "cat", "#123456")
    assert labels.rename_label(ctx, "pets", "cat", "kitten").color == made.color == "#123456"


def test_renaming_onto_an_existing_label_is_refused_and_suggests_merging(ctx):
    project_with(ctx, ["cat/a.jpg", "dog/b.jpg"])
    with pytest.raises(AlreadyExists, match="merge 'cat' into it"):
        labels.rename_label(ctx, "pets", "cat", "dog")
    assert _label_stats(ctx) == {"cat": (1, 0), "dog": (1, 0)}


def test_renaming_a_label_to_an_invalid_name_is_refused(ctx):
    project_with(ctx, ["cat/a.jpg"])
    with pytest.raises(InvalidInput):
        labels.rename_label(ctx, "pets", "cat", "")
    assert [lab.name for lab in labels.list_labels(ctx, "pets")] == ["cat"]


def test_renaming_a_missing_label_says_it_is_not_found(ctx):
    projects.create_project(ctx, "pets")
    with pytest.raises(LabelNotFound, match="ghost"):
        labels.rename_label(ctx, "pets", "ghost", "spirit")


def test_recolouring_a_label_stores_the_colour_in_lower_case(ctx):
    projects.create_project(ctx, "pets")
    labels.create_label(ctx, "pets", "cat")
    assert labels.recolour_label(ctx, "pets", "cat", "#A1B2C3").color == "#a1b2c3"
    assert labels.list_labels(ctx, "pets")[0].color == "#a1b2c3"


def test_a_colour_that_is_not_rrggbb_is_refused_and_the_old_one_kept(ctx):
    projects.create_project(ctx, "pets")
    labels.create_label(ctx, "pets", "cat", "#010203")
    for colour in ["red", "#abc", "#gggggg", "123456", "#1234567", ""]:
        with pytest.raises(InvalidInput, match="#rrggbb"):
            labels.recolour_label(ctx, "pets", "cat", colour)
    assert labels.list_labels(ctx, "pets")[0].color == "#010203"


def test_creating_a_label_with_an_invalid_colour_is_refused(ctx):
    projects.create_project(ctx, "pets")
    with pytest.raises(InvalidInput, match="#rrggbb"):
        labels.create_label(ctx, "pets", "cat", "blue")
    assert labels.list_labels(ctx, "pets") == []


def test_merge_moves_image_level_labels_and_boxes_to_the_target(ctx):
    entries_by_ref = project_with(ctx, ["kitty/a.jpg", "cat/b.jpg", "dog/c.jpg"])
    _edit(ctx, entries_by_ref[ref("dog/c.jpg")], add_boxes=[BoxInput("kitty", 2, 2, 4, 4)])

    usage = labels.merge_labels(ctx, "pets", "kitty", "cat")

    after = by_ref(ctx, "pets")
    assert after[ref("kitty/a.jpg")].labels == ["cat"]
    assert [b.label for b in after[ref("dog/c.jpg")].boxes] == ["cat"]
    # The order is creation order (services.label_order); what matters here is which remain.
    assert sorted(lab.name for lab in labels.list_labels(ctx, "pets")) == ["cat", "dog"]
    assert (usage.name, usage.image_labels, usage.boxes) == ("cat", 2, 1)
    assert _label_stats(ctx) == {"cat": (2, 1), "dog": (1, 0)}


def test_merge_leaves_one_label_on_an_entry_that_had_both(ctx):
    entries_by_ref = project_with(ctx, ["cat/a.jpg", "cat/b.jpg"])
    _edit(ctx, entries_by_ref[ref("cat/a.jpg")], add_labels=["kitty"])

    labels.merge_labels(ctx, "pets", "kitty", "cat")

    after = by_ref(ctx, "pets")
    assert after[ref("cat/a.jpg")].labels == ["cat"]
    assert _label_stats(ctx) == {"cat": (2, 0)}
    stats = datasets.describe_dataset(ctx, "pets", "train").stats
    assert (stats.total_entries, stats.labeled_entries, stats.total_labels) == (2, 2, 1)


def test_merge_moves_boxes_and_removes_duplicates(ctx):
    entries_by_ref = project_with(ctx, ["a.jpg"], folder_labels=False)
    _edit(
        ctx,
        entries_by_ref[ref("a.jpg")],
        add_boxes=[
            BoxInput("cat", 1, 1, 10, 10),
            BoxInput("kitty", 1, 1, 10, 10),  # the same rectangle: a duplicate after the merge
            BoxInput("kitty", 5, 5, 3, 3),  # a different rectangle: kept
        ],
    )

    usage = labels.merge_labels(ctx, "pets", "kitty", "cat")

    boxes = by_ref(ctx, "pets")[ref("a.jpg")].boxes
    assert sorted((b.label, b.left, b.top, b.width, b.height) for b in boxes) == [
        ("cat", 1, 1, 10, 10),
        ("cat", 5, 5, 3, 3),
    ]
    assert (usage.image_labels, usage.boxes) == (0, 2)
    assert _label_stats(ctx) == {"cat": (0, 2)}


def test_merge_works_across_both_datasets_of_the_project(ctx):
    project_with(ctx, ["kitty/a.jpg", "cat/b.jpg"])
    upload(ctx, "pets", ["kitty/t.jpg"], type_name="test")

    labels.merge_labels(ctx, "pets", "kitty", "cat")

    assert _label_stats(ctx, type_name="train") == {"cat": (2, 0)}
    assert _label_stats(ctx, type_name="test") == {"cat": (1, 0)}
    assert [e.labels for e in all_entries(ctx, "pets", "test")] == [["cat"]]


def test_merging_a_label_into_itself_is_refused(ctx):
    project_with(ctx, ["cat/a.jpg"])
    with pytest.raises(InvalidInput, match="itself"):
        labels.merge_labels(ctx, "pets", "cat", "cat")
    assert _label_stats(ctx) == {"cat": (1, 0)}


def test_merging_into_a_missing_label_is_refused_and_changes_nothing(ctx):
    project_with(ctx, ["cat/a.jpg"])
    with pytest.raises(LabelNotFound, match="ghost"):
        labels.merge_labels(ctx, "pets", "cat", "ghost")
    assert _label_stats(ctx) == {"cat": (1, 0)}


def test_label_usage_tells_how_many_image_labels_and_boxes_a_delete_would_remove(ctx):
    entries_by_ref = project_with(ctx, ["cat/a.jpg", "cat/b.jpg", "dog/c.jpg"])
    _edit(
        ctx,
        entries_by_ref[ref("dog/c.jpg")],
        add_boxes=[BoxInput("cat", 0, 0, 4, 4), BoxInput("cat", 5, 5, 4, 4)],
    )
    usage = labels.label_usage(ctx, "pets", "cat")
    assert (usage.name, usage.image_labels, usage.boxes) == ("cat", 2, 2)
    # asking changes nothing
    assert _label_stats(ctx) == {"cat": (2, 2), "dog": (1, 0)}


def test_deleting_a_label_removes_its_uses_and_returns_what_was_removed(ctx):
    entries_by_ref = project_with(ctx, ["cat/a.jpg", "dog/b.jpg"])
    _edit(ctx, entries_by_ref[ref("dog/b.jpg")], add_boxes=[BoxInput("cat", 0, 0, 4, 4)])

    removed = labels.delete_label(ctx, "pets", "cat")

    assert (removed.image_labels, removed.boxes) == (1, 1)
    after = by_ref(ctx, "pets")
    assert after[ref("dog/b.jpg")].labels == ["dog"]
    assert after[ref("dog/b.jpg")].boxes == []
    assert [lab.name for lab in labels.list_labels(ctx, "pets")] == ["dog"]
    assert _label_stats(ctx) == {"dog": (1, 0)}


def test_an_entry_that_loses_its_only_label_becomes_unlabelled(ctx):
    entries_by_ref = project_with(ctx, ["cat/a.jpg", "dog/b.jpg", "c.jpg"])
    boxed = entries_by_ref[ref("c.jpg")]
    _edit(ctx, boxed, add_boxes=[BoxInput("cat", 0, 0, 4, 4)])

    labels.delete_label(ctx, "pets", "cat")

    unlabelled = all_entries(ctx, "pets", flt=EntryFilter(labeled=False))
    assert sorted(e.source_ref for e in unlabelled) == [ref("c.jpg"), ref("cat/a.jpg")]
    assert all_entries(ctx, "pets", flt=EntryFilter(has_boxes=True)) == []
    stats = datasets.describe_dataset(ctx, "pets", "train").stats
    assert (stats.total_entries, stats.labeled_entries, stats.total_labels) == (3, 1, 1)


def test_deleting_a_missing_label_says_it_is_not_found(ctx):
    projects.create_project(ctx, "pets")
    with pytest.raises(LabelNotFound):
        labels.delete_label(ctx, "pets", "ghost")


def test_merge_into_a_less_used_label_keeps_the_target_name_and_colour(ctx):
    entries_by_ref = project_with(ctx, ["kitty/a.jpg", "kitty/b.jpg", "kitty/c.jpg", "cat/d.jpg"])
    _edit(ctx, entries_by_ref[ref("kitty/a.jpg")], add_labels=["cat"])
    labels.recolour_label(ctx, "pets", "cat", "#123456")

    usage = labels.merge_labels(ctx, "pets", "kitty", "cat")

    after = by_ref(ctx, "pets")
    assert {r: v.labels for r, v in after.items()} == {
        ref("kitty/a.jpg"): ["cat"],
        ref("kitty/b.jpg"): ["cat"],
        ref("kitty/c.jpg"): ["cat"],
        ref("cat/d.jpg"): ["cat"],
    }
    assert [(lab.name, lab.color) for lab in labels.list_labels(ctx, "pets")] == [
        ("cat", "#123456")
    ]
    assert (usage.name, usage.image_labels, usage.boxes) == ("cat", 4, 0)
    assert _label_stats(ctx) == {"cat": (4, 0)}


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("cat\u202edog", "U+202E RIGHT-TO-LEFT OVERRIDE at position 3"),
        ("c\u200bat", "U+200B ZERO WIDTH SPACE at position 1"),
        ("two\nlines", "U+000A control character at position 3"),
        ("   ", "label name is only whitespace"),
    ],
)
def test_a_name_with_hidden_characters_is_refused_everywhere_a_name_comes_in(ctx, name, named):
    projects.create_project(ctx, "pets")
    labels.create_label(ctx, "pets", "cat")
    datasets.create_empty_dataset(ctx, "pets", "train")
    for attempt in (
        lambda: labels.create_label(ctx, "pets", name),
        lambda: labels.rename_label(ctx, "pets", "cat", name),
        lambda: entries.bulk_labels(ctx, "pets", "train", EntryFilter(), add=[name]),
    ):
        with pytest.raises(InvalidInput, match=re.escape(named)):
            attempt()
    assert [lab.name for lab in labels.list_labels(ctx, "pets")] == ["cat"]
