"""COCO: round trip, the official file shape, unsafe paths, bad annotations, broken files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from customlabels.formats.coco import read_coco, write_coco
from customlabels.formats.errors import FormatError
from customlabels.formats.records import Box, ExportItem


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_item(entry_id: int, name: str, labels=(), boxes=(), size=(64, 48)) -> ExportItem:
    data = png(size)
    return ExportItem(
        entry_id=entry_id,
        source_ref=f"file:///src/{name}",
        labels=list(labels),
        boxes=list(boxes),
        width=size[0],
        height=size[1],
        image_name=name,
        read_upright_image=lambda: data,
    )


def test_write_then_read_returns_the_same_labels_boxes_and_sizes(tmp_path: Path) -> None:
    items = [
        make_item(
            1,
            "a.png",
            ["cat", "indoor"],
            [Box("cat", 1, 2, 30, 20), Box("dog", 0.5, 1.25, 10.5, 7)],
        ),
        make_item(2, "b.png", [], [Box("dog", 10, 10, 5, 5)], size=(32, 40)),
        make_item(3, "c.png"),
    ]
    summary = write_coco(items, tmp_path / "out", ["cat", "dog"])
    assert (summary.images_written, summary.annotations_written) == (3, 3)
    assert summary.image_labels_written == 2

    records = list(read_coco(tmp_path / "out" / "annotations.json", tmp_path / "out" / "images"))

    assert [(r.labels, r.boxes, r.image_size) for r in records] == [
        (["cat", "indoor"], [Box("cat", 1, 2, 30, 20), Box("dog", 0.5, 1.25, 10.5, 7)], (64, 48)),
        ([], [Box("dog", 10, 10, 5, 5)], (32, 40)),
        ([], [], (64, 48)),
    ]
    for record, name in zip(records, ["a.png", "b.png", "c.png"], strict=True):
        expected = (tmp_path / "out" / "images" / name).resolve()
        assert record.issues == []
        assert record.local_path == str(expected)
        assert record.source_ref == "file://" + expected.as_posix()
        assert record.frame == "upright" and record.box_units == "pixels"


def test_written_annotations_file_has_the_coco_shape(tmp_path: Path) -> None:
    items = [make_item(1, "a.png", [], [Box("dog", 1, 2, 3, 4), Box("bird", 0, 0, 2, 2)])]
    write_coco(items, tmp_path, ["cat", "dog"], split="val")
    data = json.loads((tmp_path / "annotations.json").read_text())
    assert data["info"]["split"] == "val"
    assert data["images"] == [{"id": 1, "file_name": "a.png", "width": 64, "height": 48}]
    assert data["annotations"] == [
        {"id": 1, "image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0},
        {"id": 2, "image_id": 1, "category_id": 3, "bbox": [0, 0, 2, 2], "area": 4, "iscrowd": 0},
    ]
    assert data["categories"] == [
        {"id": 1, "name": "cat"},
        {"id": 2, "name": "dog"},
        {"id": 3, "name": "bird"},
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotations.json", "images"]


def test_writing_no_items_gives_a_valid_empty_file(tmp_path: Path) -> None:
    summary = write_coco([], tmp_path, ["cat"])
    data = json.loads((tmp_path / "annotations.json").read_text())
    assert (data["images"], data["annotations"], summary.images_written) == ([], [], 0)


OFFICIAL_SAMPLE = {
    "info": {
        "description": "COCO 2017 Dataset",
        "url": "http://cocodataset.org",
        "version": "1.0",
        "year": 2017,
        "contributor": "COCO Consortium",
        "date_created": "2017/09/01",
    },
    "licenses": [
        {
            "url": "http://creativecommons.org/licenses/by-nc-sa/2.0/",
            "id": 1,
            "name": "Attribution-NonCommercial-ShareAlike License",
        }
    ],
    "images": [
        {
            "license": 4,
            "file_name": "000000397133.jpg",
            "coco_url": "http://x/397133.jpg",
            "height": 427,
            "width": 640,
            "date_captured": "2013-11-14 17:02:52",
            "flickr_url": "http://y/397133.jpg",
            "id": 397133,
        },
        {
            "license": 1,
            "file_name": "000000037777.jpg",
            "coco_url": "http://x/37777.jpg",
            "height": 230,
            "width": 352,
            "date_captured": "2013-11-14 20:55:31",
            "flickr_url": "http://y/37777.jpg",
            "id": 37777,
        },
    ],
    "annotations": [
        {
            "segmentation": [[510.66, 423.01, 511.72, 420.03, 510.45, 423.01]],
            "area": 702.1,
            "iscrowd": 0,
            "image_id": 397133,
            "bbox": [473.07, 395.93, 38.65, 28.67],
            "category_id": 18,
            "id": 1768,
        },
        {
            "segmentation": {"counts": [272, 2, 4], "size": [427, 640]},
            "area": 220834,
            "iscrowd": 1,
            "image_id": 397133,
            "bbox": [0, 34, 639, 388],
            "category_id": 1,
            "id": 908400000000,
        },
    ],
    "categories": [
        {"supercategory": "person", "id": 1, "name": "person"},
        {"supercategory": "animal", "id": 18, "name": "dog"},
    ],
}


def test_reads_a_file_in_the_official_coco_shape(tmp_path: Path) -> None:
    (tmp_path / "val2017").mkdir()
    for name in ("000000397133.jpg", "000000037777.jpg"):
        (tmp_path / "val2017" / name).write_bytes(png())
    annotations = tmp_path / "instances_val2017.json"
    annotations.write_text(json.dumps(OFFICIAL_SAMPLE))

    first, second = read_coco(annotations, tmp_path / "val2017")

    assert first.boxes == [Box("dog", 473.07, 395.93, 38.65, 28.67), Box("person", 0, 34, 639, 388)]
    assert first.image_size == (640, 427)
    assert first.issues == [] and first.labels == []
    assert (second.boxes, second.labels, second.issues) == ([], [], [])
    assert second.image_size == (352, 230)


@pytest.mark.parametrize(
    ("file_name", "code"),
    [
        ("../outside.jpg", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("ABSOLUTE", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("link.jpg", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("missing.jpg", "ERROR_INVALID_IMAGE"),
        ("sub/../../outside.jpg", "ERROR_INVALID_SOURCE_REF_FORMAT"),
    ],
)
def test_an_unsafe_or_missing_image_gives_an_issue_not_an_exception(
    tmp_path: Path, file_name: str, code: str
) -> None:
    root = tmp_path / "images"
    root.mkdir()
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(png())
    (root / "link.jpg").symlink_to(outside)
    if file_name == "ABSOLUTE":
        file_name = str(outside)
    data = {
        "images": [{"id": 1, "file_name": file_name, "width": 64, "height": 48}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]}],
        "categories": [{"id": 1, "name": "cat"}],
    }
    (tmp_path / "a.json").write_text(json.dumps(data))

    (record,) = read_coco(tmp_path / "a.json", root)

    assert [issue.code for issue in record.issues] == [code]
    assert record.local_path is None
    assert record.boxes == [Box("cat", 1, 1, 5, 5)]  # kept so the user sees what was meant


def test_bad_annotations_are_dropped_with_issues_and_the_rest_kept(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(png())
    data = {
        "images": [{"id": 1, "file_name": "a.jpg"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]},
            {"id": 2, "image_id": 1, "category_id": 99, "bbox": [1, 1, 5, 5]},
            {"id": 3, "image_id": 1, "category_id": 1, "bbox": [1, 1, -5, 5]},
            {"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, "x", 5]},
            {"id": 5, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5]},
        ],
        "categories": [{"id": 1, "name": "cat"}],
    }
    (tmp_path / "a.json").write_text(json.dumps(data))

    (record,) = read_coco(tmp_path / "a.json", tmp_path)

    assert record.boxes == [Box("cat", 1, 1, 5, 5)]
    assert record.image_size is None
    assert [issue.code for issue in record.issues] == [
        "ERROR_MISSING_CLASS_MAP_ID",
        "ERROR_INVALID_BOUNDING_BOX",
        "ERROR_INVALID_BOUNDING_BOX",
        "ERROR_INVALID_BOUNDING_BOX",
    ]


def test_annotations_of_an_unknown_image_id_give_a_record_with_an_issue(tmp_path: Path) -> None:
    data = {
        "images": [],
        "annotations": [{"id": 7, "image_id": 42, "category_id": 1, "bbox": [1, 1, 5, 5]}],
        "categories": [{"id": 1, "name": "cat"}],
    }
    (tmp_path / "a.json").write_text(json.dumps(data))
    (record,) = read_coco(tmp_path / "a.json", tmp_path)
    assert record.has_errors
    assert "42" in record.issues[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"images": [', "invalid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"annotations": []}', "images"),
        ('{"images": {}}', "'images' must be a list"),
        ('{"images": [], "categories": [{"id": 1}]}', "category"),
    ],
)
def test_a_broken_coco_file_raises_format_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(FormatError, match=message) as error:
        list(read_coco(path, tmp_path))
    assert str(path) in str(error.value)


def test_ids_of_the_wrong_type_give_issues_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(png())
    data = {
        "images": [{"id": [1], "file_name": "a.jpg"}],
        "annotations": [{"id": 1, "image_id": [1], "category_id": {"x": 1}, "bbox": [1, 1, 5, 5]}],
        "categories": [{"id": 1, "name": "cat"}],
    }
    (tmp_path / "a.json").write_text(json.dumps(data))
    (record,) = read_coco(tmp_path / "a.json", tmp_path)
    assert record.boxes == []
    assert [issue.code for issue in record.issues] == ["ERROR_MISSING_CLASS_MAP_ID"]


def test_an_escaping_name_reads_the_same_whether_the_file_outside_exists_or_not(
    tmp_path: Path,
) -> None:
    # root/../../x.jpg and the images/ fallback root/images/../../x.jpg are both outside the
    # root; were they probed, the refused record's name would tell which one exists.
    root = tmp_path / "set"
    (root / "images").mkdir(parents=True)
    data = {"images": [{"id": 1, "file_name": "../../x.jpg"}], "annotations": [], "categories": []}
    (tmp_path / "a.json").write_text(json.dumps(data))
    (missing,) = read_coco(tmp_path / "a.json", root)
    (tmp_path / "x.jpg").write_bytes(png())  # what root/images/../../x.jpg names
    (existing,) = read_coco(tmp_path / "a.json", root)

    assert missing.issues[0].code == "ERROR_INVALID_SOURCE_REF_FORMAT"
    assert (existing.source_ref, existing.issues) == (missing.source_ref, missing.issues)
