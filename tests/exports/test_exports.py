"""Exports write files a peer would read, and say what the hosted service would reject."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

import orjson
import pytest
import yaml
from PIL import Image

from customlabels.errors import InvalidInput
from customlabels.formats.groundtruth import read_manifest
from customlabels.services import exports

from .conftest import BOXES, HOSTED_REJECTS, LABELS
from .helpers import all_entries, export

EXPORTED = len(LABELS)  # every entry with an image; missing.png has none


def _stem(file_name: str) -> str:
    """``00000003-boxed.png`` -> ``boxed``."""
    return file_name.split("-", 1)[1].rsplit(".", 1)[0]


def _names() -> dict[str, str]:
    return {name.rsplit(".", 1)[0]: name for name in LABELS}


def test_coco_export_is_valid_json_with_categories_images_and_boxes(exportable, tmp_path):
    out = tmp_path / "coco"
    job = export(exportable, "coco", out)
    assert job.result["entries_written"] == EXPORTED
    doc = orjson.loads((out / "annotations.json").read_bytes())
    assert set(doc) >= {"images", "annotations", "categories"}
    categories = {c["id"]: c["name"] for c in doc["categories"]}
    assert set(categories.values()) == {"cat", "dog", "dot"}
    assert len(categories) == 3
    assert len(doc["images"]) == EXPORTED
    by_id = {i["id"]: i for i in doc["images"]}
    boxes: dict[str, list] = {}
    for ann in doc["annotations"]:
        name = _names()[_stem(by_id[ann["image_id"]]["file_name"])]
        boxes.setdefault(name, []).append((categories[ann["category_id"]], *ann["bbox"]))
        assert ann["area"] == pytest.approx(ann["bbox"][2] * ann["bbox"][3])
    assert boxes == {name: [tuple(b) for b in want] for name, want in BOXES.items()}
    for entry in doc["images"]:
        with Image.open(out / "images" / entry["file_name"]) as im:
            assert im.size == (entry["width"], entry["height"])
    labels = {_names()[_stem(i["file_name"])]: i.get("labels", []) for i in doc["images"]}
    assert labels == LABELS


def test_yolo_export_has_a_data_yaml_and_a_label_file_per_image(exportable, tmp_path):
    out = tmp_path / "yolo"
    export(exportable, "yolo", out)
    data = yaml.safe_load((out / "data.yaml").read_text())
    assert data["train"] == "images/train" and "val" in data
    names = data["names"]
    assert set(names.values()) >= {"cat", "dog", "dot"}
    assert data["nc"] == len(names)
    images = sorted((out / "images" / "train").iterdir())
    assert len(images) == EXPORTED
    counts = {}
    for im in images:
        label_file = out / "labels" / "train" / f"{im.stem}.txt"
        lines = label_file.read_text().splitlines()
        counts[_names()[_stem(im.name)]] = Counter(names[int(x.split()[0])] for x in lines)
        for line in lines:
            values = [float(v) for v in line.split()[1:]]
            assert len(values) == 4 and all(0 <= v <= 1 for v in values)
    assert counts["boxed.png"] == {"cat": 1, "dog": 1}
    assert counts["many.png"] == {"dot": 60}
    assert counts["plain.png"] == {}


def test_voc_export_writes_an_annotation_xml_per_image(exportable, tmp_path):
    out = tmp_path / "voc"
    export(exportable, "voc", out)
    xmls = sorted((out / "Annotations").glob("*.xml"))
    assert len(xmls) == EXPORTED
    listed = (out / "ImageSets" / "Main" / "train.txt").read_text().split()
    assert sorted(listed) == sorted(x.stem for x in xmls)
    found = {}
    for xml in xmls:
        root = ET.parse(xml).getroot()
        assert root.tag == "annotation"
        filename = root.findtext("filename")
        assert (out / "JPEGImages" / filename).is_file()
        objects = []
        for obj in root.findall("object"):
            b = obj.find("bndbox")
            x0, y0, x1, y1 = (float(b.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
            objects.append((obj.findtext("name"), x0, y0, x1 - x0, y1 - y0))
        found[_names()[_stem(filename)]] = objects
    assert found["boxed.png"] == [tuple(b) for b in BOXES["boxed.png"]]
    assert len(found["many.png"]) == 60


def test_folder_export_puts_each_image_in_each_of_its_label_folders(exportable, tmp_path):
    out = tmp_path / "folders"
    export(exportable, "folders", out)
    tree = {
        folder.name: sorted(_names()[_stem(f.name)] for f in folder.iterdir())
        for folder in out.iterdir()
        if folder.is_dir()
    }
    assert tree == {
        "cat": ["bitmap.bmp", "both.jpg"],
        "dog": ["both.jpg", "tiny.png"],
        "_unlabeled": ["boxed.png", "empty.png", "many.png", "plain.png"],
    }
    mapping = orjson.loads((out / "labels.json").read_bytes())
    assert mapping["cat"] == "cat" and mapping["_unlabeled"] is None


def test_ground_truth_export_is_read_back_without_errors(exportable, tmp_path):
    out = tmp_path / "gt" / "output.manifest"
    job = export(exportable, "groundtruth", out)
    assert job.result["entries_written"] == EXPORTED
    with out.open("rb") as handle:
        records = list(read_manifest(handle))
    assert len(records) == EXPORTED
    assert not [r for r in records if r.has_errors]
    # The images were imported from a folder the hosted service cannot read: their originals
    # are copied beside the manifest, which refers to the copies relatively.
    by_ref = {_names()[_stem(r.source_ref.removeprefix("images/"))]: r for r in records}
    for record in records:
        assert record.source_ref.startswith("images/")
        assert (out.parent / record.source_ref).is_file()
    assert sorted(by_ref["both.jpg"].labels) == ["cat", "dog"]
    assert [(b.label, b.left, b.top, b.width, b.height) for b in by_ref["boxed.png"].boxes] == [
        tuple(b) for b in BOXES["boxed.png"]
    ]
    assert by_ref["empty.png"].is_labeled and by_ref["empty.png"].boxes == []
    assert by_ref["empty.png"].image_size == (100, 100)


@pytest.mark.parametrize("fmt", ["groundtruth", "coco", "yolo", "voc", "folders"])
def test_every_export_reports_the_entries_the_hosted_service_would_reject(
    exportable, tmp_path, fmt
):
    out = tmp_path / fmt / ("out.manifest" if fmt == "groundtruth" else "")
    job = export(exportable, fmt, out)
    report_path = tmp_path / fmt / "hosted_service_report.json"
    assert job.result["report"] == str(report_path)
    report = orjson.loads(report_path.read_bytes())
    rows = {row["source-ref"]: row["issues"] for row in report["entries"]}
    for ref, code in HOSTED_REJECTS.items():
        assert code in {i["code"] for i in rows[ref]}, ref
        assert all(i["message"] for i in rows[ref])
    fine = {"boxed.png", "both.jpg", "plain.png", "empty.png"}
    if fmt == "groundtruth":
        # The manifest refers to copies beside it, which the hosted service cannot fetch.
        for ref in fine:
            assert [i["code"] for i in rows[ref]] == ["ERROR_INVALID_SOURCE_REF_FORMAT"]
            assert "S3 only" in rows[ref][0]["message"]
        assert job.result["entries_hosted_would_reject"] == EXPORTED
    else:
        assert not set(rows) & fine
        assert job.result["entries_hosted_would_reject"] == len(HOSTED_REJECTS)
    # ... and the export still holds them.
    assert job.result["entries_written"] == EXPORTED
    assert report["not_exported"] == [{"source-ref": "missing.png", "reason": "no image"}]


def test_the_report_gives_the_reason_in_words(exportable, tmp_path):
    export(exportable, "coco", tmp_path / "coco")
    report = orjson.loads((tmp_path / "coco" / "hosted_service_report.json").read_bytes())
    rows = {row["source-ref"]: row["issues"] for row in report["entries"]}
    assert "BMP" in rows["bitmap.bmp"][0]["message"]
    assert "40x30" in rows["tiny.png"][0]["message"]
    assert "60 bounding boxes" in rows["many.png"][0]["message"]


def test_a_bmp_is_exported_as_a_png_that_peers_can_open(exportable, tmp_path):
    out = tmp_path / "coco"
    export(exportable, "coco", out)
    [bmp] = [p for p in (out / "images").iterdir() if "bitmap" in p.name]
    assert bmp.suffix == ".png"
    with Image.open(bmp) as im:
        assert im.format == "PNG" and im.size == (100, 100)


def test_the_dataset_is_unchanged_by_an_export(exportable, tmp_path):
    before = [(v.id, v.version, v.labels, v.boxes) for v in all_entries(exportable)]
    export(exportable, "coco", tmp_path / "coco")
    assert [(v.id, v.version, v.labels, v.boxes) for v in all_entries(exportable)] == before


def test_an_unknown_export_format_is_refused(exportable, tmp_path):
    with pytest.raises(InvalidInput, match="unknown export format"):
        exports.start_export(exportable, "p", "train", "tfrecord", str(tmp_path / "x"))
