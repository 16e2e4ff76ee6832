"""Importing a local folder: folder labels, depth, images at the root, skipped files, re-runs."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from customlabels.errors import InvalidInput
from customlabels.services import datasets, labels
from customlabels.services.entry_query import EntryFilter

from .helpers import all_entries, by_name, create, jpeg, png, save, update


def _shoes(shared_datasets: Path) -> Path:
    return shared_datasets / "shoes" / "train"


def test_shoes_with_folder_labels_gives_50_entries_in_two_labels_of_25(ctx, shared_datasets):
    create(ctx, {"kind": "folder", "path": str(_shoes(shared_datasets)), "folder_labels": True})
    found = all_entries(ctx)
    assert len(found) == 50
    assert Counter(label for v in found for label in v.labels) == {
        "canvasshoes": 25,
        "chunkysneakers": 25,
    }
    assert all(len(v.labels) == 1 and v.is_labeled and v.asset is not None for v in found)
    per_label = {d.name: d.entry_count for d in labels.dataset_labels(ctx, "p", "train")}
    assert per_label == {"canvasshoes": 25, "chunkysneakers": 25}


def test_folder_import_job_counts_every_image_and_the_dataset_ends_complete(ctx, shared_datasets):
    job = create(
        ctx, {"kind": "folder", "path": str(_shoes(shared_datasets)), "folder_labels": True}
    )
    assert job.status == "SUCCEEDED"
    assert (job.done, job.total, job.error_count) == (50, 50, 0)
    info = datasets.describe_dataset(ctx, "p", "train")
    assert (info.status, info.status_message_code) == ("CREATE_COMPLETE", "SUCCESS")
    assert info.stats.total_entries == 50
    assert info.stats.labeled_entries == 50
    assert info.stats.total_labels == 2
    assert info.stats.error_entries == 0


def test_without_folder_labels_every_image_is_unlabelled(ctx, shared_datasets):
    create(ctx, {"kind": "folder", "path": str(_shoes(shared_datasets))})
    found = all_entries(ctx)
    assert len(found) == 50
    assert all(v.labels == [] and not v.is_labeled for v in found)
    assert datasets.describe_dataset(ctx, "p", "train").stats.labeled_entries == 0
    assert len(all_entries(ctx, flt=EntryFilter(labeled=False))) == 50


def _tree(root: Path) -> Path:
    save(root / "top.jpg", jpeg(color=(1, 2, 3)))
    save(root / "cat" / "c1.jpg", jpeg(color=(10, 20, 30)))
    save(root / "cat" / "tabby" / "c2.png", png(color=(40, 50, 60)))
    save(root / "dog" / "d1.png", png(color=(70, 80, 90)))
    return root


def test_images_directly_in_the_folder_get_no_label(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    create(ctx, {"kind": "folder", "path": str(root), "folder_labels": True})
    found = by_name(all_entries(ctx))
    assert found["top.jpg"].labels == []
    assert not found["top.jpg"].is_labeled
    assert found["c1.jpg"].labels == ["cat"]
    assert found["d1.png"].labels == ["dog"]


def test_an_image_deep_below_a_folder_gets_that_first_folders_label(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    save(root / "cat" / "tabby" / "old" / "c3.jpg", jpeg(color=(5, 6, 7)))
    job = create(ctx, {"kind": "folder", "path": str(root), "folder_labels": True})
    found = by_name(all_entries(ctx))
    assert set(found) == {"top.jpg", "c1.jpg", "c2.png", "c3.jpg", "d1.png"}
    assert found["c2.png"].labels == ["cat"]
    assert found["c3.jpg"].labels == ["cat"]
    assert job.result["skipped_count"] == 0
    assert job.result["without_folder_label"] == 1  # top.jpg
    assert {d.name: d.entry_count for d in labels.dataset_labels(ctx, "p", "train")} == {
        "cat": 3,
        "dog": 1,
    }


def test_with_depth_1_images_in_deeper_folders_are_skipped_and_counted(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    job = create(
        ctx, {"kind": "folder", "path": str(root), "folder_labels": True, "folder_depth": 1}
    )
    assert set(by_name(all_entries(ctx))) == {"top.jpg", "c1.jpg", "d1.png"}
    skipped = {s["path"]: s for s in job.result["skipped_files"]}
    assert skipped["cat/tabby/c2.png"]["code"] == "deeper_than_folder_depth"
    assert "folder_depth=1" in skipped["cat/tabby/c2.png"]["reason"]
    assert job.result["skipped_by_reason"] == {"deeper_than_folder_depth": 1}
    assert "1 file skipped (1 deeper than the folder depth)" in job.message


def test_with_depth_2_deeper_images_take_the_first_folder_below_as_label(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    create(ctx, {"kind": "folder", "path": str(root), "folder_labels": True, "folder_depth": 2})
    found = by_name(all_entries(ctx))
    assert set(found) == {"top.jpg", "c1.jpg", "c2.png", "d1.png"}
    assert found["c2.png"].labels == ["cat"]


def test_a_label_level_of_2_labels_by_the_second_folder_and_leaves_shallower_images_unlabelled(
    ctx, tmp_path
):
    root = _tree(tmp_path / "src")
    job = create(
        ctx, {"kind": "folder", "path": str(root), "folder_labels": True, "label_level": 2}
    )
    found = by_name(all_entries(ctx))
    assert {name: v.labels for name, v in found.items()} == {
        "top.jpg": [],
        "c1.jpg": [],
        "c2.png": ["tabby"],
        "d1.png": [],
    }
    assert job.result["without_folder_label"] == 3
    assert datasets.describe_dataset(ctx, "p", "train").source["label_level"] == 2


def test_a_folder_depth_below_the_label_level_is_refused_before_any_job(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    source = {
        "kind": "folder",
        "path": str(root),
        "folder_labels": True,
        "label_level": 2,
        "folder_depth": 1,
    }
    with pytest.raises(InvalidInput, match="folder_depth=1 is less than label_level=2"):
        create(ctx, source)
    with pytest.raises(InvalidInput, match="label_level must be at least 1, got 0"):
        create(ctx, {**source, "label_level": 0, "folder_depth": None})


def test_without_folder_labels_images_at_every_depth_are_read(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    create(ctx, {"kind": "folder", "path": str(root)})
    assert set(by_name(all_entries(ctx))) == {"top.jpg", "c1.jpg", "c2.png", "d1.png"}


def test_the_job_result_counts_the_skipped_files_by_reason(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    (root / "notes.txt").write_text("not an image")
    (root / "cat" / "data.csv").write_text("a,b\n")
    (root / "cat" / "train.manifest").write_text("{}\n")
    save(root / ".thumbs" / "t.jpg", jpeg())
    (root / "dog" / ".DS_Store").write_bytes(b"\0")
    job = create(ctx, {"kind": "folder", "path": str(root), "folder_labels": True})
    assert job.status == "SUCCEEDED"
    skipped = {s["path"]: s["reason"] for s in job.result["skipped_files"]}
    assert "not an image" in skipped["notes.txt"]
    assert "not an image" in skipped["cat/data.csv"]
    assert job.result["skipped_count"] == 5
    assert job.result["skipped_by_reason"] == {"hidden": 2, "manifest": 1, "not_an_image": 2}
    assert "5 files skipped (2 hidden, 2 not images, 1 manifest)" in job.message


def test_the_shared_shoes_manifest_file_is_skipped_not_imported(ctx, shared_datasets):
    job = create(
        ctx, {"kind": "folder", "path": str(_shoes(shared_datasets)), "folder_labels": True}
    )
    assert [(s["path"], s["code"]) for s in job.result["skipped_files"]] == [
        ("train.manifest", "manifest")
    ]


def test_importing_the_same_folder_again_adds_no_duplicates(ctx, shared_datasets):
    source = {"kind": "folder", "path": str(_shoes(shared_datasets)), "folder_labels": True}
    create(ctx, source)
    first = {v.source_ref: (v.id, v.labels, v.asset_id) for v in all_entries(ctx)}
    again = update(ctx, source)
    assert again.status == "SUCCEEDED"
    assert again.result["created"] == 0
    assert again.result["updated"] == 50
    # Unchanged files are not read again: their assets are known by path and fingerprint.
    assert again.result["images_read"] == 0
    second = {v.source_ref: (v.id, v.labels, v.asset_id) for v in all_entries(ctx)}
    assert second == first
    info = datasets.describe_dataset(ctx, "p", "train")
    assert info.stats.total_entries == 50
    assert info.stats.labeled_entries == 50
    assert {d.name: d.entry_count for d in labels.dataset_labels(ctx, "p", "train")} == {
        "canvasshoes": 25,
        "chunkysneakers": 25,
    }


def test_a_symlink_leading_out_of_the_folder_is_skipped_and_listed(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    save(tmp_path / "outside" / "secret.jpg", jpeg(color=(9, 9, 9)))
    os.symlink(tmp_path / "outside" / "secret.jpg", root / "cat" / "link.jpg")
    os.symlink(tmp_path / "outside", root / "linked-folder")
    job = create(ctx, {"kind": "folder", "path": str(root), "folder_labels": True})
    skipped = {s["path"]: s["reason"] for s in job.result["skipped_files"]}
    assert "symlink" in skipped["cat/link.jpg"]
    assert "symlink" in skipped["linked-folder"]
    assert not any("secret" in v.source_ref for v in all_entries(ctx))


def test_a_folder_whose_name_hides_a_zero_width_space_labels_nothing_and_says_why(ctx, tmp_path):
    save(tmp_path / "src" / "c\u200bat" / "1.png", png((32, 32)))
    save(tmp_path / "src" / "cat" / "2.png", png((32, 32)))
    job = create(ctx, {"kind": "folder", "path": str(tmp_path / "src"), "folder_labels": True})
    assert job.status == "SUCCEEDED"
    found = by_name(all_entries(ctx))
    assert found["2.png"].labels == ["cat"]
    assert found["1.png"].labels == [] and found["1.png"].asset is not None
    [issue] = found["1.png"].issues
    assert issue["code"] == "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT"
    assert "U+200B ZERO WIDTH SPACE at position 1" in issue["message"]
