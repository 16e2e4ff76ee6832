"""YOLO (Ultralytics layout): round trip, published shapes, unsafe paths, bad labels."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

from customlabels.formats.errors import FormatError
from customlabels.formats.records import Box, ExportItem, ImportRecord
from customlabels.formats.yolo import read_yolo, write_yolo


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 200, 30)).save(buffer, format="PNG")
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


def to_pixels(record: ImportRecord) -> list[tuple[str, float, float, float, float]]:
    """What the importer does with relative boxes once it knows the upright size."""
    assert record.local_path is not None
    with Image.open(record.local_path) as image:
        width, height = image.size
    return [
        (b.label, b.left * width, b.top * height, b.width * width, b.height * height)
        for b in record.boxes
    ]


def write_image(path: Path, size: tuple[int, int] = (64, 48)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png(size))


def test_write_then_read_returns_the_same_boxes(tmp_path: Path) -> None:
    items = [
        make_item(1, "a.png", ["cat"], [Box("cat", 1, 2, 30, 20), Box("dog", 0.5, 1.25, 10.5, 7)]),
        make_item(2, "b.png", [], [Box("bird", 10, 10, 5, 5)], size=(33, 41)),
        make_item(3, "c.png"),
    ]
    summary = write_yolo(items, tmp_path, ["cat", "dog"])
    assert (summary.images_written, summary.annotations_written) == (3, 3)
    assert summary.image_labels_ignored == 1

    records = list(read_yolo(tmp_path))

    assert [Path(r.local_path or "").name for r in records] == ["a.png", "b.png", "c.png"]
    expected = [
        [("cat", 1, 2, 30, 20), ("dog", 0.5, 1.25, 10.5, 7)],
        [("bird", 10, 10, 5, 5)],
        [],
    ]
    for record, boxes in zip(records, expected, strict=True):
        assert record.issues == [] and record.labels == []
        assert record.box_units == "relative" and record.frame == "upright"
        got = to_pixels(record)
        assert [b[0] for b in got] == [b[0] for b in boxes]
        for g, e in zip(got, boxes, strict=True):
            assert g[1:] == pytest.approx(e[1:], abs=1e-9)


def test_written_data_yaml_has_names_as_a_mapping_and_both_split_keys(tmp_path: Path) -> None:
    write_yolo([make_item(1, "a.png", [], [Box("bird", 1, 1, 2, 2)])], tmp_path, ["cat", "dog"])
    data = yaml.safe_load((tmp_path / "data.yaml").read_text())
    assert data["path"] == "."
    assert data["train"] == data["val"] == "images/train"
    assert data["names"] == {0: "cat", 1: "dog", 2: "bird"}
    assert (tmp_path / "labels" / "train" / "a.txt").read_text().startswith("2 ")


def test_writing_train_then_val_gives_one_dataset_with_two_splits(tmp_path: Path) -> None:
    write_yolo([make_item(1, "a.png", [], [Box("cat", 1, 1, 2, 2)])], tmp_path, ["cat"])
    write_yolo([make_item(2, "b.png", [], [Box("dog", 1, 1, 2, 2)])], tmp_path, ["cat"], "val")
    data = yaml.safe_load((tmp_path / "data.yaml").read_text())
    assert (data["train"], data["val"]) == ("images/train", "images/val")
    assert data["names"] == {0: "cat", 1: "dog"}
    assert [r.boxes[0].label for r in read_yolo(tmp_path, splits=["val"])] == ["dog"]
    assert [r.boxes[0].label for r in read_yolo(tmp_path)] == ["cat", "dog"]


def test_images_sharing_a_stem_are_renamed_so_label_files_dont_clash(tmp_path: Path) -> None:
    items = [
        make_item(1, "a.jpg", [], [Box("cat", 1, 1, 2, 2)]),
        make_item(2, "a.png", [], [Box("dog", 1, 1, 2, 2)]),
    ]
    summary = write_yolo(items, tmp_path, ["cat", "dog"])
    assert summary.renamed == 1
    assert sorted(p.name for p in (tmp_path / "labels" / "train").iterdir()) == [
        "a.txt",
        "a__2.txt",
    ]
    assert [r.boxes[0].label for r in read_yolo(tmp_path)] == ["cat", "dog"]


@pytest.mark.parametrize(
    "names",
    [
        {0: "person", 1: "bicycle", 2: "car"},
        ["person", "bicycle", "car"],
    ],
    ids=["names-as-dict", "names-as-list"],
)
def test_reads_an_ultralytics_dataset_yaml(tmp_path: Path, names: object) -> None:
    root = tmp_path / "coco8"
    (root).mkdir()
    (root / "data.yaml").write_text(
        yaml.safe_dump(
            {
                "path": "../datasets/coco8",
                "train": "images/train",
                "val": "images/val",
                "test": None,
                "names": names,
            }
        )
    )
    write_image(root / "images" / "train" / "000000000009.jpg")
    write_image(root / "images" / "train" / "000000000025.jpg")
    write_image(root / "images" / "val" / "000000000036.jpg")
    (root / "labels" / "train").mkdir(parents=True)
    (root / "labels" / "val").mkdir(parents=True)
    (root / "labels" / "train" / "000000000009.txt").write_text(
        "0 0.5 0.5 0.25 0.5\n2 0.1 0.2 0.1 0.2\n"
    )
    (root / "labels" / "val" / "000000000036.txt").write_text("")  # annotated, no objects

    records = list(read_yolo(root))

    assert [Path(r.local_path or "").name for r in records] == [
        "000000000009.jpg",
        "000000000025.jpg",
        "000000000036.jpg",
    ]
    first = records[0]
    assert [b.label for b in first.boxes] == ["person", "car"]
    assert (first.boxes[0].left, first.boxes[0].top) == pytest.approx((0.375, 0.25))
    assert (first.boxes[0].width, first.boxes[0].height) == pytest.approx((0.25, 0.5))
    assert all(r.issues == [] for r in records)
    assert records[1].boxes == [] and records[2].boxes == []


def test_reads_a_layout_without_yaml_using_classes_txt(tmp_path: Path) -> None:
    write_image(tmp_path / "images" / "x.png")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "x.txt").write_text("1 0.5 0.5 0.5 0.5\n")
    (tmp_path / "classes.txt").write_text("cat\ndog\n")
    (record,) = read_yolo(tmp_path)
    assert [b.label for b in record.boxes] == ["dog"]


def test_a_polygon_line_is_read_as_the_box_around_it(tmp_path: Path) -> None:
    write_image(tmp_path / "images" / "x.png")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "x.txt").write_text("0 0.1 0.2 0.5 0.2 0.3 0.6\n")
    (tmp_path / "classes.txt").write_text("cat\n")
    (record,) = read_yolo(tmp_path)
    (box,) = record.boxes
    assert (box.left, box.top, box.width, box.height) == pytest.approx((0.1, 0.2, 0.4, 0.4))


def test_bad_label_lines_are_dropped_with_issues_and_the_rest_kept(tmp_path: Path) -> None:
    write_image(tmp_path / "images" / "x.png")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "x.txt").write_text(
        "0 0.5 0.5 0.2 0.2\n7 0.5 0.5 0.2 0.2\n0 0.5 0.5 -0.2 0.2\n0 a b c d\n0 0.5 0.5\n\n"
    )
    (tmp_path / "classes.txt").write_text("cat\n")
    (record,) = read_yolo(tmp_path)
    assert [b.label for b in record.boxes] == ["cat"]
    assert [issue.code for issue in record.issues] == [
        "ERROR_MISSING_CLASS_MAP_ID",
        "ERROR_INVALID_BOUNDING_BOX",
        "ERROR_INVALID_BOUNDING_BOX",
        "ERROR_INVALID_BOUNDING_BOX",
    ]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("../outside.jpg", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("ABSOLUTE", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("images/link.jpg", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("images/missing.jpg", "ERROR_INVALID_IMAGE"),
    ],
)
def test_an_unsafe_or_missing_image_in_a_list_gives_an_issue(
    tmp_path: Path, line: str, code: str
) -> None:
    root = tmp_path / "ds"
    outside = tmp_path / "outside.jpg"
    write_image(outside)
    (root / "images").mkdir(parents=True)
    (root / "images" / "link.jpg").symlink_to(outside)
    (root / "train.txt").write_text((str(outside) if line == "ABSOLUTE" else line) + "\n")
    (root / "data.yaml").write_text("train: train.txt\nval: train.txt\nnames: [cat]\n")

    (record,) = read_yolo(root)

    assert [issue.code for issue in record.issues] == [code]
    assert record.local_path is None


def test_a_symlink_out_of_the_root_in_an_image_folder_gives_an_issue(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    write_image(tmp_path / "outside.jpg")
    (root / "images").mkdir(parents=True)
    (root / "images" / "link.jpg").symlink_to(tmp_path / "outside.jpg")
    (root / "classes.txt").write_text("cat\n")
    (record,) = read_yolo(root)
    assert [issue.code for issue in record.issues] == ["ERROR_INVALID_SOURCE_REF_FORMAT"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("names: [cat\ntrain: images", "invalid YAML"),
        ("- just\n- a list\n", "mapping"),
        ("train: images\n", "names"),
        ("train: ../../elsewhere\nnames: [cat]\n", "outside"),
        ("train: nowhere\nnames: [cat]\n", "not a folder"),
        ("names: 3\n", "names"),
    ],
)
def test_a_broken_data_yaml_raises_format_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "data.yaml").write_text(content)
    with pytest.raises(FormatError, match=message) as error:
        list(read_yolo(tmp_path))
    assert str(tmp_path / "data.yaml") in str(error.value)


def test_a_folder_that_is_no_yolo_dataset_raises_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not a YOLO dataset"):
        list(read_yolo(tmp_path))
