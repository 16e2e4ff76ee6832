"""Importing a local folder: folder labels, depth, images at the root, skipped files, re-runs."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

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


def test_with_depth_1_images_in_deeper_folders_are_skipped_and_listed(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    job = create(ctx, {"kind": "folder", "path": str(root), "folder_labels": True})
    assert set(by_name(all_entries(ctx))) == {"top.jpg", "c1.jpg", "d1.png"}
    skipped = {s["path"]: s["reason"] for s in job.result["skipped_files"]}
    assert "cat/tabby/c2.png" in skipped
    assert "folder_depth" in skipped["cat/tabby/c2.png"]


def test_with_depth_2_deeper_images_take_the_first_folder_below_as_label(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    create(ctx, {"kind": "folder", "path": str(root), "folder_labels": True, "folder_depth": 2})
    found = by_name(all_entries(ctx))
    assert set(found) == {"top.jpg", "c1.jpg", "c2.png", "d1.png"}
    assert found["c2.png"].labels == ["cat"]


def test_without_folder_labels_images_at_every_depth_are_read(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    create(ctx, {"kind": "folder", "path": str(root)})
    assert set(by_name(all_entries(ctx))) == {"top.jpg", "c1.jpg", "c2.png", "d1.png"}


def test_non_image_files_are_reported_as_skipped_in_the_job_result(ctx, tmp_path):
    root = _tree(tmp_path / "src")
    (root / "notes.txt").write_text("not an image")
    (root / "cat" / "data.csv").write_text("a,b\n")
    job = create(ctx, {"kind": "folder", "path": str(root), "folder_labels": True})
    skipped = {s["path"]: s["reason"] for s in job.result["skipped_files"]}
    assert "not an image" in skipped["notes.txt"]
    assert "not an image" in skipped["cat/data.csv"]
    assert job.result["skipped_count"] == 3  # the two above and the too-deep image
    assert job.status == "SUCCEEDED"
    assert "3 files skipped" in job.message


def test_the_shared_shoes_manifest_file_is_skipped_not_imported(ctx, shared_datasets):
    job = create(
        ctx, {"kind": "folder", "path": str(_shoes(shared_datasets)), "folder_labels": True}
    )
    assert [s["path"] for s in job.result["skipped_files"]] == ["train.manifest"]


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
