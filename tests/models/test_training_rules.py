"""The hosted service's training checks: a version that breaks one fails at once, with the
hosted message, and no job is queued."""

from __future__ import annotations

import pytest
from tests.models.helpers import box_entry, labelled_project, ref, set_labels, upload_kinds

from customlabels.errors import InvalidInput
from customlabels.services import entries, labels, projects
from customlabels.services.entry_query import EntryFilter
from customlabels.services.models import snapshots, versions


def _failed(info: versions.VersionInfo, code: str) -> str:
    assert info.status == "TRAINING_FAILED"
    assert info.status_code == code
    assert info.job_id is None
    assert "Traceback" not in info.status_message
    return info.status_message


def test_a_project_without_labels_fails_with_too_few_labels(ctx):
    projects.create_project(ctx, "empty")
    upload_kinds(ctx, "empty", {"red": 3})
    entries.bulk_labels(ctx, "empty", "train", EntryFilter(), remove=["red"])
    message = _failed(versions.create_version(ctx, "empty"), "ERROR_MANIFEST_TOO_FEW_LABELS")
    assert message.startswith("The manifest file has too few labels.")
    assert "no labelled images" in message


def test_a_project_without_datasets_fails_saying_so(ctx):
    projects.create_project(ctx, "bare")
    message = _failed(versions.create_version(ctx, "bare"), "ERROR_MANIFEST_TOO_FEW_LABELS")
    assert "no TRAIN dataset" in message


def test_one_label_only_is_too_few_for_classification(ctx):
    labelled_project(ctx, "one", {"red": 6})
    message = _failed(versions.create_version(ctx, "one"), "ERROR_MANIFEST_TOO_FEW_LABELS")
    assert "at least 2" in message and "'red'" in message


def test_labels_only_in_test_fail_naming_the_test_dataset(ctx):
    projects.create_project(ctx, "onlytest")
    upload_kinds(ctx, "onlytest", {"red": 2, "blue": 2}, "test")
    upload_kinds(ctx, "onlytest", {"grey": 3}, "train")
    entries.bulk_labels(ctx, "onlytest", "train", EntryFilter(), remove=["grey"])
    message = _failed(versions.create_version(ctx, "onlytest"), "ERROR_MANIFEST_TOO_FEW_LABELS")
    assert "only in the TEST dataset" in message


def test_train_and_test_labels_without_overlap_fail(ctx):
    labelled_project(ctx, "apart", {"red": 4, "blue": 4})
    upload_kinds(ctx, "apart", {"green": 2, "grey": 2}, "test")
    message = _failed(versions.create_version(ctx, "apart"), "ERROR_INSUFFICIENT_LABEL_OVERLAP")
    assert message.startswith("Less than 50% label overlap")
    assert "'green'" in message


def test_too_many_labels_fail(ctx):
    labelled_project(ctx, "many", {"red": 2, "blue": 2, "grey": 2})
    ctx.settings.max_model_labels = 2
    message = _failed(versions.create_version(ctx, "many"), "ERROR_MANIFEST_TOO_MANY_LABELS")
    assert "3 labels" in message


def test_a_label_with_one_image_cannot_be_held_out(ctx):
    labelled_project(ctx, "scarce", {"red": 5, "blue": 1})
    message = _failed(
        versions.create_version(ctx, "scarce"), "ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT"
    )
    assert "'blue' has 1" in message


def test_without_a_test_dataset_a_fifth_of_train_is_held_out_per_label(ctx):
    labelled_project(ctx, "split", {"red": 10, "blue": 10})
    info = versions.create_version(ctx, "split")
    assert info.status == "TRAINING_IN_PROGRESS" and info.job_id is not None
    train = snapshots.load(ctx.blobs, info.snapshots["TRAIN"].blob_key)
    test = snapshots.load(ctx.blobs, info.snapshots["TEST"].blob_key)
    assert info.snapshots["TEST"].held_out
    for kind in ("red", "blue"):
        assert sum(kind in e.labels for e in test.entries) == 2
        assert sum(kind in e.labels for e in train.entries) == 8
    assert not {e.entry_id for e in train.entries} & {e.entry_id for e in test.entries}


def test_image_level_labels_train_classification(ctx):
    labelled_project(ctx, "cls", {"red": 3, "blue": 3})
    info = versions.create_version(ctx, "cls")
    assert info.task == "CLASSIFICATION"
    assert info.label_names == ["blue", "red"]


def test_an_entry_with_two_labels_makes_the_task_multi_label(ctx):
    found = labelled_project(ctx, "multi", {"red": 3, "blue": 3})
    set_labels(ctx, "multi", "train", found[ref("red/red-0.jpg")], ["blue"])
    assert versions.create_version(ctx, "multi").task == "MULTI_LABEL_CLASSIFICATION"


def test_boxes_train_detection_and_say_when_image_level_labels_go_unused(ctx):
    found = labelled_project(ctx, "det", {"red": 3, "blue": 3})
    for n in range(3):
        box_entry(ctx, "det", "train", found[ref(f"red/red-{n}.jpg")], "disc")
    info = versions.create_version(ctx, "det")
    assert info.status == "TRAINING_IN_PROGRESS"
    assert info.task == "OBJECT_DETECTION"
    assert info.label_names == ["disc"]
    assert "object detection" in info.status_message
    assert "image-level labels were not used" in info.status_message


def test_boxes_of_too_few_images_are_too_few_usable_labels(ctx):
    found = labelled_project(ctx, "det1", {"red": 3, "blue": 3})
    box_entry(ctx, "det1", "train", found[ref("red/red-0.jpg")], "disc")
    _failed(
        versions.create_version(ctx, "det1"), "ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT"
    )


def test_later_edits_do_not_change_what_a_version_was_trained_on(ctx):
    labelled_project(ctx, "frozen", {"red": 5, "blue": 5})
    info = versions.create_version(ctx, "frozen")
    labels.delete_label(ctx, "frozen", "blue")
    entries.delete_entries(ctx, "frozen", "train", EntryFilter(contains_labels=("red",)))
    train = snapshots.load(ctx.blobs, info.snapshots["TRAIN"].blob_key)
    test = snapshots.load(ctx.blobs, info.snapshots["TEST"].blob_key)
    assert len(train.entries) + len(test.entries) == 10
    assert train.label_names == ["blue", "red"]
    assert versions.describe_version(ctx, "frozen", info.name).label_names == ["blue", "red"]


def test_a_backbone_that_is_not_installed_is_refused_before_anything_is_recorded(ctx):
    labelled_project(ctx, "shoes", {"red": 3, "blue": 3})
    with pytest.raises(InvalidInput, match="unknown backbone 'lite2'"):
        versions.create_version(ctx, "shoes", config={"backbone": "lite2"})
    assert versions.list_versions(ctx, "shoes") == []
