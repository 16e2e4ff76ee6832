"""Writing Ground Truth lines as the hosted service writes them, and reading them back."""

from __future__ import annotations

import time

import orjson
import pytest

from customlabels.formats.groundtruth import parse_manifest_line, read_manifest
from customlabels.formats.groundtruth_write import manifest_line
from customlabels.formats.records import Box, EntryIssue

DATE = "2024-05-01T12:00:00.000000"


def test_classification_line_has_one_attribute_per_label_like_the_documented_one():
    text = manifest_line("s3://bucket/a.jpg", ["football", "ball"], [], None, creation_date=DATE)
    assert "\n" not in text
    assert orjson.loads(text) == {
        "source-ref": "s3://bucket/a.jpg",
        "image-label": 0,
        "image-label-metadata": {
            "confidence": 1,
            "job-name": "customlabels",
            "class-name": "football",
            "human-annotated": "yes",
            "creation-date": DATE,
            "type": "groundtruth/image-classification",
        },
        "image-label-2": 1,
        "image-label-2-metadata": {
            "confidence": 1,
            "job-name": "customlabels",
            "class-name": "ball",
            "human-annotated": "yes",
            "creation-date": DATE,
            "type": "groundtruth/image-classification",
        },
    }


def test_detection_line_has_image_size_annotations_and_a_class_map_of_its_own_labels():
    boxes = [Box("Echo Dot", 399.0, 251.0, 155.0, 101.0), Box("Echo", 86, 65, 220.5, 334)]
    text = manifest_line(
        "s3://bucket/IMG_1186.png", [], boxes, (640, 480), creation_date=DATE, job_name="my job"
    )
    assert text.startswith('{"source-ref":"s3://bucket/IMG_1186.png","bounding-box":')
    assert orjson.loads(text) == {
        "source-ref": "s3://bucket/IMG_1186.png",
        "bounding-box": {
            "image_size": [{"width": 640, "height": 480, "depth": 3}],
            "annotations": [
                {"class_id": 0, "top": 251, "left": 399, "width": 155, "height": 101},
                {"class_id": 1, "top": 65, "left": 86, "width": 220.5, "height": 334},
            ],
        },
        "bounding-box-metadata": {
            "objects": [{"confidence": 1}, {"confidence": 1}],
            "class-map": {"0": "Echo Dot", "1": "Echo"},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": DATE,
            "job-name": "my job",
        },
    }
    assert '"left":399,' in text  # integral floats are written as integers


def test_image_size_without_boxes_writes_a_labelled_image_with_no_objects():
    text = manifest_line("a.jpg", [], [], (64, 64), depth=1, creation_date=DATE)
    obj = orjson.loads(text)
    assert obj["bounding-box"] == {
        "image_size": [{"width": 64, "height": 64, "depth": 1}],
        "annotations": [],
    }
    assert obj["bounding-box-metadata"]["class-map"] == {}
    record = parse_manifest_line(text, 1)
    assert record.is_labeled is True and record.image_size == (64, 64)


def test_entry_without_labels_is_a_bare_source_ref():
    assert manifest_line("a.jpg", [], [], None, creation_date=DATE) == '{"source-ref":"a.jpg"}'


def test_boxes_without_image_size_are_refused():
    with pytest.raises(ValueError, match="image_size"):
        manifest_line("a.jpg", [], [Box("a", 1, 1, 5, 5)], None, creation_date=DATE)


def test_is_labeled_and_errors_extend_the_line_like_list_dataset_entries():
    issues = [EntryIssue("ERROR_INVALID_BOUNDING_BOX", "The bounding box has off frame values.")]
    obj = orjson.loads(
        manifest_line(
            "a.jpg", ["cat"], [], None, creation_date=DATE, issues=issues, is_labeled=True
        )
    )
    assert obj["cl-metadata"] == {"is_labeled": True}
    assert obj["cl-errors"] == [
        {
            "code": "ERROR_INVALID_BOUNDING_BOX",
            "message": "The bounding box has off frame values.",
            "severity": "ERROR",
        }
    ]
    record = parse_manifest_line(orjson.dumps(obj), 1)
    assert record.labels == ["cat"] and record.issues == []


def test_unlabelled_entry_with_is_labeled_false_reads_back_unlabelled():
    text = manifest_line("a.jpg", [], [], None, creation_date=DATE, is_labeled=False)
    record = parse_manifest_line(text, 1)
    assert record.is_labeled is False
    assert [i.code for i in record.issues] == ["WARNING_UNANNOTATED_RECORD"]


ROUND_TRIPS = [
    pytest.param(["cat"], [], None, id="one-label"),
    pytest.param(["cat", "dog", "bird"], [], None, id="multi-label"),
    pytest.param([], [Box("cat", 0, 0, 64, 48)], (64, 48), id="box-filling-the-image"),
    pytest.param(
        ["indoor"],
        [Box("cat", 10.25, 20.5, 30.75, 40), Box("dog", 1, 2, 3, 4), Box("cat", 5, 5, 5, 5)],
        (640, 480),
        id="labels-and-boxes",
    ),
    pytest.param([], [], (100, 200), id="no-objects"),
    pytest.param(
        ['say "cheese"', "<i>x</i>&amp;", "🐈‍⬛", "חתול", "a" * 255],
        [Box('say "cheese"', 1, 1, 10, 10), Box("חתול", 2, 2, 10, 10)],
        (64, 64),
        id="awkward-names",
    ),
]


@pytest.mark.parametrize(("labels", "boxes", "image_size"), ROUND_TRIPS)
def test_written_line_reads_back_to_the_same_labels_boxes_and_image_size(labels, boxes, image_size):
    text = manifest_line("s3://bucket/a.png", labels, boxes, image_size, creation_date=DATE)
    record = parse_manifest_line(text, 1)
    assert record.source_ref == "s3://bucket/a.png"
    assert record.labels == labels
    assert record.boxes == boxes
    assert record.image_size == image_size
    assert not record.has_errors


def test_parsing_speed_of_simple_classification_lines_is_printed(capsys):
    lines = [
        manifest_line(
            f"s3://bucket/images/{i:07d}.jpg", [f"label-{i % 20}"], [], None, creation_date=DATE
        ).encode()
        + b"\n"
        for i in range(200_000)
    ]
    start = time.perf_counter()
    count = sum(1 for _ in read_manifest(lines))
    elapsed = time.perf_counter() - start
    assert count == 200_000
    with capsys.disabled():
        print(f"\nGround Truth read: {count / elapsed:,.0f} classification lines/s")
