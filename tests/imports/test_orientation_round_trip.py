"""The coordinate rule across all 8 EXIF orientations, from import to export.

Each image is a 120x80 raw JPEG with a red marker near its raw top-left corner and EXIF
orientation n. Expected positions come from Pillow's ``ImageOps.exif_transpose`` of the same
file, by pixel colour, never from the formula under test. A manifest line states a box that
surrounds the marker in the RAW frame with ``image_size`` = the raw size, as the hosted
service (which ignores EXIF) would.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest
import yaml
from PIL import ImageOps

from customlabels.services import exports, runner
from customlabels.services.assets import read_original, read_thumbnail
from customlabels.services.entry_lines import entry_line

from .helpers import (
    MARKER,
    RAW_SIZE,
    all_entries,
    by_name,
    create,
    marked_jpeg,
    opened,
    red_box,
    save,
    write_lines,
)

ORIENTATIONS = range(1, 9)
# A box around the marker (8, 12, 32, 16) in the raw frame, with fractions that must survive.
RAW_BOX = (7.5, 11.25, 33.0, 17.5)
TOLERANCE = 1  # JPEG edges may bleed one pixel


def _import(ctx, tmp_path: Path) -> None:
    root = tmp_path / "root"
    lines = []
    for n in ORIENTATIONS:
        save(root / f"o{n}.jpg", marked_jpeg(n))
        left, top, width, height = RAW_BOX
        lines.append(
            {
                "source-ref": f"o{n}.jpg",
                "marker": {
                    "image_size": [{"width": RAW_SIZE[0], "height": RAW_SIZE[1], "depth": 3}],
                    "annotations": [
                        {"class_id": 0, "left": left, "top": top, "width": width, "height": height}
                    ],
                },
                "marker-metadata": {
                    "objects": [{"confidence": 1}],
                    "class-map": {"0": "marker"},
                    "type": "groundtruth/object-detection",
                },
            }
        )
    path = write_lines(tmp_path / "in.manifest", lines)
    job = create(ctx, {"kind": "manifest", "path": str(path), "root": str(root)})
    assert job.error_count == 0


def _upright(n: int):
    return ImageOps.exif_transpose(opened(marked_jpeg(n)))


def _surrounds(box, marker, tolerance: float = TOLERANCE) -> bool:
    left, top, width, height = box
    m_left, m_top, m_width, m_height = marker
    return (
        left <= m_left + tolerance
        and top <= m_top + tolerance
        and left + width >= m_left + m_width - tolerance
        and top + height >= m_top + m_height - tolerance
    )


def _close(a, b, tolerance: float = TOLERANCE) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def test_stored_width_and_height_are_upright_for_all_8_orientations(ctx, tmp_path):
    _import(ctx, tmp_path)
    found = by_name(all_entries(ctx))
    for n in ORIENTATIONS:
        asset = found[f"o{n}.jpg"].asset
        assert asset.orientation == n
        assert (asset.width, asset.height) == _upright(n).size, n
        assert (asset.raw_width, asset.raw_height) == RAW_SIZE, n


def test_original_bytes_are_kept_unchanged_for_all_8_orientations(ctx, tmp_path):
    _import(ctx, tmp_path)
    found = by_name(all_entries(ctx))
    for n in ORIENTATIONS:
        assert read_original(ctx, found[f"o{n}.jpg"].asset.sha256) == marked_jpeg(n), n


def test_thumbnails_are_upright_for_all_8_orientations(ctx, tmp_path):
    _import(ctx, tmp_path)
    found = by_name(all_entries(ctx))
    for n in ORIENTATIONS:
        thumb = opened(read_thumbnail(ctx, found[f"o{n}.jpg"].asset.sha256))
        expected = _upright(n)
        assert thumb.size == expected.size, n
        assert thumb.getexif().get(0x0112) in (None, 1), n
        assert _close(red_box(thumb), red_box(expected)), n


def test_boxes_in_the_raw_frame_import_as_upright_boxes_around_the_marker(ctx, tmp_path):
    _import(ctx, tmp_path)
    found = by_name(all_entries(ctx))
    for n in ORIENTATIONS:
        [box] = found[f"o{n}.jpg"].boxes
        upright_box = (box.left, box.top, box.width, box.height)
        marker = red_box(_upright(n))
        assert _surrounds(upright_box, marker), (n, upright_box, marker)
        # Tight: the box is the raw box turned, not a bigger one.
        assert box.width * box.height == pytest.approx(RAW_BOX[2] * RAW_BOX[3]), n


def test_boxes_stated_in_the_upright_frame_are_kept_as_they_are(ctx, tmp_path):
    root = tmp_path / "root"
    lines = []
    for n in (5, 6, 7, 8):  # only these have an upright size that differs from the raw one
        save(root / f"o{n}.jpg", marked_jpeg(n))
        marker = red_box(_upright(n))
        lines.append(
            {
                "source-ref": f"o{n}.jpg",
                "m": {
                    "image_size": [{"width": RAW_SIZE[1], "height": RAW_SIZE[0], "depth": 3}],
                    "annotations": [
                        {
                            "class_id": 0,
                            "left": marker[0],
                            "top": marker[1],
                            "width": marker[2],
                            "height": marker[3],
                        }
                    ],
                },
                "m-metadata": {
                    "objects": [{"confidence": 1}],
                    "class-map": {"0": "marker"},
                    "type": "groundtruth/object-detection",
                },
            }
        )
    path = write_lines(tmp_path / "in.manifest", lines)
    create(ctx, {"kind": "manifest", "path": str(path), "root": str(root)})
    for n, entry in by_name(all_entries(ctx)).items():
        [box] = entry.boxes
        marker = red_box(_upright(int(n[1])))
        assert (box.left, box.top, box.width, box.height) == marker, n


def _export(ctx, fmt: str, out: Path) -> dict:
    job = runner.run_job(ctx, exports.start_export(ctx, "p", "train", fmt, str(out)))
    assert job.status == "SUCCEEDED", job.message
    return job.result


def test_ground_truth_export_writes_the_raw_numbers_it_was_given(ctx, tmp_path):
    _import(ctx, tmp_path)
    out = tmp_path / "gt" / "out.manifest"
    _export(ctx, "groundtruth", out)
    lines = [orjson.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 8
    for line in lines:
        attribute = line["bounding-box"]
        assert attribute["image_size"][0]["width"] == RAW_SIZE[0], line["source-ref"]
        assert attribute["image_size"][0]["height"] == RAW_SIZE[1], line["source-ref"]
        [ann] = attribute["annotations"]
        got = (ann["left"], ann["top"], ann["width"], ann["height"])
        assert got == pytest.approx(RAW_BOX, abs=1e-6), line["source-ref"]


def test_ground_truth_export_imports_back_to_the_same_upright_boxes(ctx, tmp_path):
    _import(ctx, tmp_path)
    first = {v.source_ref: v.boxes for v in all_entries(ctx)}
    out = tmp_path / "gt.manifest"
    _export(ctx, "groundtruth", out)
    # The images were imported from a folder: the export copies their original bytes (EXIF
    # and all) beside the manifest, as images/<entry id>-<name>, and the boxes come back.
    create(ctx, {"kind": "manifest", "path": str(out)}, "again")
    second = {
        v.source_ref.removeprefix("images/").split("-", 1)[1]: v.boxes
        for v in all_entries(ctx, "again")
    }
    assert set(second) == set(first)
    for ref, boxes in first.items():
        [a], [b] = boxes, second[ref]
        assert (b.label, b.left, b.top, b.width, b.height) == pytest.approx(
            (a.label, a.left, a.top, a.width, a.height), abs=1e-6
        ), ref


def test_entry_lines_carry_boxes_in_the_raw_frame(ctx, tmp_path):
    _import(ctx, tmp_path)
    for view in all_entries(ctx):
        line = orjson.loads(entry_line(view))
        attribute = line["bounding-box"]
        size = attribute["image_size"][0]
        assert (size["width"], size["height"]) == RAW_SIZE, view.source_ref
        [ann] = attribute["annotations"]
        got = (ann["left"], ann["top"], ann["width"], ann["height"])
        assert got == pytest.approx(RAW_BOX, abs=1e-6), view.source_ref
        assert line["cl-metadata"]["is_labeled"] is True


def _check_exported_image(path: Path, n: int, box) -> None:
    im = opened(path.read_bytes())
    assert im.getexif().get(0x0112) in (None, 1), (n, path)
    expected = _upright(n)
    assert im.size == expected.size, (n, path)
    marker = red_box(im)
    assert _close(marker, red_box(expected)), (n, marker)
    if box is not None:
        assert _surrounds(box, marker), (n, box, marker)


def _orientation_of(name: str) -> int:
    # Exported names are "<entry id>-o<n>.jpg".
    return int(Path(name).stem.rsplit("-o", 1)[1])


def test_coco_export_writes_upright_images_and_boxes_in_their_frame(ctx, tmp_path):
    _import(ctx, tmp_path)
    out = tmp_path / "coco"
    _export(ctx, "coco", out)
    doc = orjson.loads((out / "annotations.json").read_bytes())
    boxes = {a["image_id"]: a["bbox"] for a in doc["annotations"]}
    assert len(doc["images"]) == 8
    for image in doc["images"]:
        n = _orientation_of(image["file_name"])
        assert (image["width"], image["height"]) == _upright(n).size
        _check_exported_image(out / "images" / image["file_name"], n, boxes[image["id"]])


def test_yolo_export_writes_upright_images_and_boxes_in_their_frame(ctx, tmp_path):
    _import(ctx, tmp_path)
    out = tmp_path / "yolo"
    _export(ctx, "yolo", out)
    assert yaml.safe_load((out / "data.yaml").read_text())["names"] == {0: "marker"}
    images = sorted((out / "images" / "train").iterdir())
    assert len(images) == 8
    for image in images:
        n = _orientation_of(image.name)
        w, h = _upright(n).size
        [line] = (out / "labels" / "train" / f"{image.stem}.txt").read_text().splitlines()
        _, cx, cy, bw, bh = (float(x) for x in line.split())
        box = ((cx - bw / 2) * w, (cy - bh / 2) * h, bw * w, bh * h)
        _check_exported_image(image, n, box)


def test_voc_export_writes_upright_images_and_boxes_in_their_frame(ctx, tmp_path):
    _import(ctx, tmp_path)
    out = tmp_path / "voc"
    _export(ctx, "voc", out)
    xmls = sorted((out / "Annotations").glob("*.xml"))
    assert len(xmls) == 8
    for xml in xmls:
        root = ET.parse(xml).getroot()
        name = root.findtext("filename")
        n = _orientation_of(name)
        size = root.find("size")
        assert (int(size.findtext("width")), int(size.findtext("height"))) == _upright(n).size
        bnd = root.find("object/bndbox")
        x0, y0, x1, y1 = (float(bnd.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
        _check_exported_image(out / "JPEGImages" / name, n, (x0, y0, x1 - x0, y1 - y0))


def test_folder_export_writes_upright_images_without_an_orientation_tag(ctx, tmp_path):
    _import(ctx, tmp_path)
    out = tmp_path / "folders"
    _export(ctx, "folders", out)
    images = sorted((out / "_unlabeled").iterdir())  # boxes only, no image-level labels
    assert len(images) == 8
    for image in images:
        _check_exported_image(image, _orientation_of(image.name), None)


def test_markers_sit_where_exif_transpose_puts_them():
    # A guard on the fixture itself: the 8 orientations put the marker in 8 places.
    places = {red_box(_upright(n)) + _upright(n).size for n in ORIENTATIONS}
    assert len(places) == 8
    assert red_box(_upright(1)) == MARKER
