"""Peer formats both ways: our COCO, YOLO, VOC and folder exports import back the same."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from customlabels.services.entry_views import EntryView

from .conftest import BOXES, LABELS
from .helpers import all_entries, create, export, image, save


def _original(ctx) -> dict[int, EntryView]:
    return {v.id: v for v in all_entries(ctx) if v.asset is not None}


def _entry_id(source_ref: str) -> int:
    """Exported files are named ``<entry id, 8 digits>-<stem>.<ext>``."""
    return int(source_ref.rsplit("/", 1)[-1].split("-", 1)[0])


def _boxes(view: EntryView) -> list[tuple]:
    return sorted((b.label, b.left, b.top, b.width, b.height) for b in view.boxes)


def _same_boxes(a: list[tuple], b: list[tuple]) -> bool:
    """Same labels, and coordinates equal within 1e-6 (YOLO writes fractions)."""
    return [x[0] for x in a] == [x[0] for x in b] and [v for x in a for v in x[1:]] == (
        pytest.approx([v for x in b for v in x[1:]], abs=1e-6)
    )


def _compare(original: dict[int, EntryView], copy: list[EntryView], *, labels: bool) -> None:
    assert len(copy) == len(original)
    for view in copy:
        assert not view.has_errors, (view.source_ref, view.issues)
        before = original[_entry_id(view.source_ref)]
        assert _same_boxes(_boxes(view), _boxes(before)), view.source_ref
        if labels:
            assert sorted(view.labels) == sorted(before.labels), view.source_ref
        assert (view.asset.width, view.asset.height) == (before.asset.width, before.asset.height)


def test_our_coco_export_imports_back_with_the_same_labels_and_boxes(exportable, tmp_path):
    original = _original(exportable)
    out = tmp_path / "coco"
    export(exportable, "coco", out)
    source = {"kind": "coco", "path": str(out / "annotations.json"), "root": str(out / "images")}
    create(exportable, source, "back")
    _compare(original, all_entries(exportable, "back"), labels=True)


def test_our_voc_export_imports_back_with_the_same_labels_and_boxes(exportable, tmp_path):
    original = _original(exportable)
    out = tmp_path / "voc"
    export(exportable, "voc", out)
    create(exportable, {"kind": "voc", "path": str(out)}, "back")
    _compare(original, all_entries(exportable, "back"), labels=True)


def test_our_yolo_export_imports_back_with_the_same_boxes(exportable, tmp_path):
    original = _original(exportable)
    out = tmp_path / "yolo"
    export(exportable, "yolo", out)
    create(exportable, {"kind": "yolo", "path": str(out)}, "back")
    copy = all_entries(exportable, "back")
    # YOLO detection has no image-level labels: only boxes come back.
    _compare(original, copy, labels=False)
    boxed = [v for v in copy if v.source_ref.endswith("-boxed.png")]
    assert _same_boxes(_boxes(boxed[0]), sorted(BOXES["boxed.png"]))


def test_our_folder_export_imports_back_with_the_same_image_labels(exportable, tmp_path):
    out = tmp_path / "folders"
    export(exportable, "folders", out)
    create(exportable, {"kind": "folder", "path": str(out), "folder_labels": True}, "back")
    pairs = sorted(
        (Path(v.source_ref).name.split("-", 1)[1], tuple(v.labels))
        for v in all_entries(exportable, "back")
    )
    # An image with two labels is in two folders: two files, one label each.
    want = sorted((name, (label,)) for name, labels in LABELS.items() for label in labels) + sorted(
        (name, ()) for name, labels in LABELS.items() if not labels
    )
    got = sorted((name.rsplit(".", 1)[0], labels) for name, labels in pairs)
    assert got == sorted((name.rsplit(".", 1)[0], labels) for name, labels in want)


def test_a_peer_coco_file_with_a_broken_annotation_keeps_the_rest(ctx, tmp_path):
    save(tmp_path / "imgs" / "a.png", image((100, 80), (1, 2, 3)))
    save(tmp_path / "imgs" / "b.png", image((100, 80), (4, 5, 6)))
    doc = {
        "images": [
            {"id": 1, "file_name": "a.png", "width": 100, "height": 80},
            {"id": 2, "file_name": "b.png", "width": 100, "height": 80},
            {"id": 3, "file_name": "../escape.png", "width": 100, "height": 80},
        ],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 7, "bbox": [1, 2, 30, 40]},
            {"id": 2, "image_id": 1, "category_id": 99, "bbox": [1, 2, 30, 40]},
            {"id": 3, "image_id": 2, "category_id": 7, "bbox": [1, 2, "x", 40]},
        ],
        "categories": [{"id": 7, "name": "bolt"}],
    }
    (tmp_path / "coco.json").write_bytes(orjson.dumps(doc))
    job = create(
        ctx, {"kind": "coco", "path": str(tmp_path / "coco.json"), "root": str(tmp_path / "imgs")}
    )
    found = {Path(v.source_ref).name: v for v in all_entries(ctx)}
    assert [(b.label, b.left, b.top, b.width, b.height) for b in found["a.png"].boxes] == [
        ("bolt", 1, 2, 30, 40)
    ]
    assert {i["code"] for i in found["a.png"].issues} == {"ERROR_MISSING_CLASS_MAP_ID"}
    assert found["b.png"].boxes == []
    assert "ERROR_INVALID_BOUNDING_BOX" in {i["code"] for i in found["b.png"].issues}
    assert len(found) == 3
    assert job.error_count >= 1


def test_our_coco_export_imports_back_without_naming_its_images_folder(exportable, tmp_path):
    original = _original(exportable)
    out = tmp_path / "coco"
    export(exportable, "coco", out)
    create(exportable, {"kind": "coco", "path": str(out / "annotations.json")}, "back")
    _compare(original, all_entries(exportable, "back"), labels=True)
