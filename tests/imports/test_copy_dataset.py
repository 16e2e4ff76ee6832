"""Creating a dataset from an existing one: same entries, labels and boxes, shared bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from customlabels.errors import DatasetNotFound
from customlabels.services import datasets, entries, labels, projects
from customlabels.services.entries import BoxInput

from .helpers import all_entries, create, png, save, update, write_lines


def _source(ctx, tmp_path: Path, shared_datasets: Path) -> None:
    """p/train: the 50 shoes with folder labels, plus boxes, an empty detection and an error."""
    shoes = shared_datasets / "shoes" / "train"
    create(ctx, {"kind": "folder", "path": str(shoes), "folder_labels": True})
    root = tmp_path / "root"
    save(root / "boxed.png", png((100, 90), (3, 4, 5)))
    save(root / "empty.png", png((100, 90), (6, 7, 8)))
    detection = {
        "source-ref": "boxed.png",
        "b": {
            "image_size": [{"width": 100, "height": 90, "depth": 3}],
            "annotations": [
                {"class_id": 0, "left": 1.5, "top": 2, "width": 30, "height": 40},
                {"class_id": 1, "left": 50, "top": 20, "width": 20.25, "height": 10},
            ],
        },
        "b-metadata": {
            "objects": [{"confidence": 1}] * 2,
            "class-map": {"0": "lace", "1": "sole"},
            "type": "groundtruth/object-detection",
        },
    }
    empty = {
        "source-ref": "empty.png",
        "b": {"image_size": [{"width": 100, "height": 90, "depth": 3}], "annotations": []},
        "b-metadata": {"class-map": {}, "type": "groundtruth/object-detection"},
    }
    changes = write_lines(tmp_path / "c.manifest", [detection, empty, "not json"])
    update(ctx, {"kind": "manifest", "path": str(changes), "root": str(root)})


def _summary(views) -> dict:
    return {
        v.source_ref: (
            sorted(v.labels),
            sorted((b.label, b.left, b.top, b.width, b.height) for b in v.boxes),
            v.is_labeled,
            v.no_objects,
            v.has_errors,
            sorted(i["code"] for i in v.issues),
            v.asset.sha256 if v.asset else None,
        )
        for v in views
    }


def test_a_copy_has_the_same_entries_labels_and_boxes(ctx, tmp_path, shared_datasets):
    _source(ctx, tmp_path, shared_datasets)
    job = create(ctx, {"kind": "dataset", "project": "p", "type": "TRAIN"}, "p", "test")
    assert job.status == "SUCCEEDED"
    assert (job.done, job.total) == (53, 53)
    assert job.result["images_read"] == 0
    original, copy = all_entries(ctx, "p", "train"), all_entries(ctx, "p", "test")
    assert _summary(copy) == _summary(original)
    assert {v.id for v in copy}.isdisjoint({v.id for v in original})
    a = datasets.describe_dataset(ctx, "p", "train").stats
    b = datasets.describe_dataset(ctx, "p", "test").stats
    assert b == a
    assert datasets.describe_dataset(ctx, "p", "test").status == "CREATE_COMPLETE"


def test_a_copy_into_another_project_brings_its_labels(ctx, tmp_path, shared_datasets):
    _source(ctx, tmp_path, shared_datasets)
    create(ctx, {"kind": "dataset", "project": "p", "type": "TRAIN"}, "other", "train")
    assert _summary(all_entries(ctx, "other", "train")) == _summary(all_entries(ctx, "p", "train"))
    got = {
        (d.name, d.entry_count, d.box_count) for d in labels.dataset_labels(ctx, "other", "train")
    }
    want = {(d.name, d.entry_count, d.box_count) for d in labels.dataset_labels(ctx, "p", "train")}
    assert got == want
    assert {x.name for x in labels.list_labels(ctx, "other")} == {
        "canvasshoes",
        "chunkysneakers",
        "lace",
        "sole",
    }


def test_editing_the_copy_leaves_the_original_alone(ctx, tmp_path, shared_datasets):
    _source(ctx, tmp_path, shared_datasets)
    create(ctx, {"kind": "dataset", "project": "p", "type": "TRAIN"}, "other", "train")
    [boxed] = [v for v in all_entries(ctx, "other") if v.source_ref == "boxed.png"]
    entries.edit_entry(
        ctx,
        "other",
        "train",
        boxed.id,
        expected_version=boxed.version,
        boxes=[BoxInput("x", 0, 0, 5, 5)],
    )
    [original] = [v for v in all_entries(ctx, "p") if v.source_ref == "boxed.png"]
    assert sorted(b.label for b in original.boxes) == ["lace", "sole"]


def test_copying_stores_no_new_image_bytes(sqlite_ctx, tmp_path, shared_datasets):
    _source(sqlite_ctx, tmp_path, shared_datasets)
    blobs = sqlite_ctx.settings.data_dir / "blobs"
    before = sorted(p for p in blobs.rglob("*") if p.is_file())
    assert len(before) == 52  # 50 shoes and two PNGs
    create(sqlite_ctx, {"kind": "dataset", "project": "p", "type": "TRAIN"}, "p", "test")
    create(sqlite_ctx, {"kind": "dataset", "project": "p", "type": "TRAIN"}, "other", "train")
    after = sorted(p for p in blobs.rglob("*") if p.is_file())
    assert after == before
    copy = all_entries(sqlite_ctx, "other", "train")
    assert {v.asset_id for v in copy if v.asset} == {
        v.asset_id for v in all_entries(sqlite_ctx, "p", "train") if v.asset
    }


def test_copying_a_dataset_that_does_not_exist_is_refused(ctx):
    projects.create_project(ctx, "p")
    with pytest.raises(DatasetNotFound):
        create(ctx, {"kind": "dataset", "project": "p", "type": "TEST"}, "p", "train")
