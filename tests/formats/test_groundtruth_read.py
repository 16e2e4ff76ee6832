"""Reading Ground Truth manifest lines: the documented line kinds, and every error code."""

from __future__ import annotations

import io

import orjson
import pytest

from customlabels.formats.groundtruth import (
    RAW_LINE_KEEP_CHARS,
    parse_manifest_line,
    read_manifest,
)
from customlabels.formats.records import Box, ImportRecord

# --- Lines as the hosted service and SageMaker document them --------------------------------

# "Image-Level labels in manifest files" (Rekognition Custom Labels developer guide).
CLASSIFICATION_LINE = (
    '{"source-ref":"s3://custom-labels-console-us-east-1-nnnnnnnnnn/gt-job/manifest/IMG_1133.png",'
    '"TestCLConsoleBucket":0,"TestCLConsoleBucket-metadata":{"confidence":0.95,'
    '"job-name":"labeling-job/testclconsolebucket","class-name":"Echo Dot",'
    '"human-annotated":"yes","creation-date":"2020-04-15T20:17:23.433061",'
    '"type":"groundtruth/image-classification"}}'
)

# "Object localization in manifest files" (tabs included, as the guide prints it).
DETECTION_LINE = (
    '{"source-ref": "s3://bucket/images/IMG_1186.png", "bounding-box": {"image_size": '
    '[{"width": 640, "height": 480, "depth": 3}], "annotations": [{ "class_id": 1,\t"top": 251,'
    '\t"left": 399, "width": 155, "height": 101}, {"class_id": 0, "top": 65, "left": 86, '
    '"width": 220,\t"height": 334}]}, "bounding-box-metadata": {"objects": [{ "confidence": 1}, '
    '{"confidence": 1}],\t"class-map": {"0": "Echo",\t"1": "Echo Dot"}, "type": '
    '"groundtruth/object-detection", "human-annotated": "yes",\t"creation-date": '
    '"2013-11-18T02:53:27", "job-name": "my job"}}'
)

# "Adding multiple image-level labels to an image" (comments removed: JSON has none).
MULTI_LABEL_LINE = orjson.dumps(
    {
        "source-ref": "s3://bucket/sport.jpg",
        "sport0": 0,
        "sport0-metadata": {
            "class-name": "football",
            "confidence": 0.8,
            "type": "groundtruth/image-classification",
            "job-name": "identify-sport",
            "human-annotated": "yes",
            "creation-date": "2018-10-18T22:18:13.527256",
        },
        "sport1": 1,
        "sport1-metadata": {
            "class-name": "ball",
            "confidence": 0.8,
            "type": "groundtruth/image-classification",
            "job-name": "identify-sport",
            "human-annotated": "yes",
            "creation-date": "2018-10-18T22:18:13.527256",
        },
    }
).decode()

# SageMaker "Bounding Box Job Output": class ids 0 and 5, a sparse class-map.
SPARSE_CLASS_MAP_LINE = orjson.dumps(
    {
        "source-ref": "s3://AWSDOC-EXAMPLE-BUCKET/example_image.png",
        "bounding-box": {
            "image_size": [{"width": 500, "height": 400, "depth": 3}],
            "annotations": [
                {"class_id": 0, "left": 111, "top": 134, "width": 61, "height": 128},
                {"class_id": 5, "left": 161, "top": 250, "width": 30, "height": 30},
                {"class_id": 5, "left": 20, "top": 20, "width": 30, "height": 30},
            ],
        },
        "bounding-box-metadata": {
            "objects": [{"confidence": 0.8}, {"confidence": 0.9}, {"confidence": 0.9}],
            "class-map": {"0": "dog", "5": "bone"},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": "2018-10-18T22:18:13.527256",
            "job-name": "identify-dogs-and-toys",
        },
    }
).decode()

# The hosted guide's WARNING_NO_ANNOTATIONS example, as its validation manifest shows it.
EMPTY_ANNOTATIONS_LINE = orjson.dumps(
    {
        "source-ref": "s3://bucket/images/IMG_1186.png",
        "bounding-box": {
            "image_size": [{"width": 640, "height": 480, "depth": 3}],
            "annotations": [],
            "warnings": [
                {
                    "code": "WARNING_NO_ATTRIBUTE_ANNOTATIONS",
                    "message": "No attribute annotations were found.",
                }
            ],
        },
        "bounding-box-metadata": {
            "objects": [],
            "class-map": {},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": "2013-11-18 02:53:27",
            "job-name": "my job",
        },
        "warnings": [{"code": "WARNING_NO_ANNOTATIONS", "message": "No annotations were found."}],
    }
).decode()

# SageMaker "Multi-label Classification Job Output".
SAGEMAKER_MULTILABEL_LINE = orjson.dumps(
    {
        "source-ref": "s3://AWSDOC-EXAMPLE-BUCKET/example_image.jpg",
        "image-label-attribute-name": [1, 0, 8],
        "image-label-attribute-name-metadata": {
            "job-name": "labeling-job/image-label-attribute-name",
            "class-map": {"1": "bicycle", "0": "person", "8": "clothing"},
            "human-annotated": "yes",
            "creation-date": "2020-02-27T21:36:25.000201",
            "confidence-map": {"1": 0.95, "0": 0.77, "8": 0.2},
            "type": "groundtruth/image-classification-multilabel",
        },
    }
).decode()

# What the hosted guide's multi-label transform script writes: scalar values, multilabel type.
TRANSFORMED_MULTILABEL_LINE = orjson.dumps(
    {
        "source-ref": "s3://bucket/example_image.jpg",
        "image-label-attribute-name0": 0,
        "image-label-attribute-name0-metadata": {
            "class-name": "bicycle",
            "confidence": 0.95,
            "type": "groundtruth/image-classification-multilabel",
            "job-name": "labeling-job/image-label-attribute-name",
            "human-annotated": "yes",
            "creation-date": "2020-02-27T21:36:25.000201",
        },
    }
).decode()

# SageMaker "Classification Job Output": the class index as a string.
SAGEMAKER_CLASSIFICATION_LINE = orjson.dumps(
    {
        "source-ref": "s3://AWSDOC-EXAMPLE-BUCKET/example_image.jpg",
        "species": "0",
        "species-metadata": {
            "class-name": "dog",
            "confidence": 0.00,
            "type": "groundtruth/image-classification",
            "job-name": "identify-animal-species",
            "human-annotated": "yes",
            "creation-date": "2018-10-18T22:18:13.527256",
        },
    }
).decode()

# The hosted guide's ERROR_UNSUPPORTED_USE_CASE_TYPE example (a ListDatasetEntries line).
WRONG_TYPE_LINE = orjson.dumps(
    {
        "source-ref": "s3://bucket/test_normal_8.jpg",
        "BB": {
            "annotations": [
                {"left": 1768, "top": 1007, "width": 448, "height": 295, "class_id": 0},
                {"left": 1794, "top": 1306, "width": 432, "height": 411, "class_id": 1},
            ],
            "image_size": [{"width": 4000, "height": 2667, "depth": 3}],
        },
        "BB-metadata": {
            "job-name": "labeling-job/BB",
            "class-map": {"0": "comparator", "1": "pot_resistor"},
            "human-annotated": "yes",
            "objects": [{"confidence": 1}, {"confidence": 1}],
            "creation-date": "2021-06-22T09:58:34.811Z",
            "type": "groundtruth/wrongtype",
            "cl-errors": [{"code": "ERROR_UNSUPPORTED_USE_CASE_TYPE", "message": "..."}],
        },
        "cl-metadata": {"is_labeled": True},
        "cl-errors": [
            {
                "code": "ERROR_NO_VALID_LABEL_ATTRIBUTES",
                "message": "No valid label attributes found.",
            }
        ],
    }
).decode()


def codes(record: ImportRecord) -> list[tuple[str, str]]:
    return [(issue.code, issue.severity) for issue in record.issues]


def detection(annotations, class_map=None, objects=None, size=(640, 480), **extra) -> str:
    """A detection line built around the documented shape."""
    value: dict = {"annotations": annotations}
    if size is not None:
        value["image_size"] = [{"width": size[0], "height": size[1], "depth": 3}]
    meta = {
        "objects": objects if objects is not None else [{"confidence": 1} for _ in annotations],
        "class-map": class_map if class_map is not None else {"0": "Echo", "1": "Echo Dot"},
        "type": "groundtruth/object-detection",
        "human-annotated": "yes",
        "creation-date": "2013-11-18T02:53:27",
        "job-name": "my job",
    }
    return orjson.dumps(
        {"source-ref": "s3://bucket/a.png", "bounding-box": value, "bounding-box-metadata": meta}
        | extra
    ).decode()


def classification(name: object, value: object = 0, key: str = "c", **meta_extra) -> dict:
    return {
        key: value,
        f"{key}-metadata": {
            "class-name": name,
            "confidence": 1,
            "type": "groundtruth/image-classification",
            "human-annotated": "yes",
            "creation-date": "2020-03-06T17:46:39.176",
        }
        | meta_extra,
    }


def line(**attributes) -> str:
    return orjson.dumps({"source-ref": "s3://bucket/a.png"} | attributes).decode()


def ann(class_id=0, left=10, top=10, width=20, height=20) -> dict:
    return {"class_id": class_id, "left": left, "top": top, "width": width, "height": height}


# --- Documented lines --------------------------------------------------------------------


def test_documented_classification_line_gives_its_class_name_as_a_label():
    record = parse_manifest_line(CLASSIFICATION_LINE, 1)
    assert record.source_ref.endswith("/gt-job/manifest/IMG_1133.png")
    assert record.labels == ["Echo Dot"]
    assert record.boxes == []
    assert record.issues == []
    assert record.is_labeled is True
    assert record.raw_line is None


def test_documented_detection_line_gives_boxes_with_class_map_names_in_the_raw_frame():
    record = parse_manifest_line(DETECTION_LINE.encode(), 7)
    assert record.boxes == [
        Box("Echo Dot", 399, 251, 155, 101),
        Box("Echo", 86, 65, 220, 334),
    ]
    assert record.image_size == (640, 480)
    assert record.frame == "raw"
    assert record.line_number == 7
    assert record.issues == []


def test_two_classification_attributes_make_a_multi_label_image():
    record = parse_manifest_line(MULTI_LABEL_LINE, 1)
    assert record.labels == ["football", "ball"]
    assert record.issues == []


def test_sparse_class_map_ids_map_to_their_names():
    record = parse_manifest_line(SPARSE_CLASS_MAP_LINE, 1)
    assert [box.label for box in record.boxes] == ["dog", "bone", "bone"]
    assert record.image_size == (500, 400)


def test_class_maps_may_differ_from_line_to_line():
    first = detection([ann(class_id=3)], class_map={"3": "cat"})
    second = detection([ann(class_id=3)], class_map={"3": "dog", "9": "cat"})
    records = list(read_manifest([first.encode() + b"\n", second.encode() + b"\n"]))
    assert [r.boxes[0].label for r in records] == ["cat", "dog"]


def test_documented_empty_annotation_line_is_a_labelled_image_with_no_objects():
    record = parse_manifest_line(EMPTY_ANNOTATIONS_LINE, 1)
    assert record.boxes == []
    assert record.labels == []
    assert record.image_size == (640, 480)
    assert record.is_labeled is True
    assert codes(record) == [
        ("WARNING_NO_ATTRIBUTE_ANNOTATIONS", "WARNING"),
        ("WARNING_NO_ANNOTATIONS", "WARNING"),
    ]
    assert not record.has_errors


def test_sagemaker_multilabel_output_becomes_image_level_labels():
    record = parse_manifest_line(SAGEMAKER_MULTILABEL_LINE, 1)
    assert record.labels == ["bicycle", "person", "clothing"]
    assert record.issues == []


def test_transformed_multilabel_line_with_scalar_value_reads_like_classification():
    record = parse_manifest_line(TRANSFORMED_MULTILABEL_LINE, 1)
    assert record.labels == ["bicycle"]
    assert record.issues == []


def test_sagemaker_classification_index_may_be_a_string():
    assert parse_manifest_line(SAGEMAKER_CLASSIFICATION_LINE, 1).labels == ["dog"]


def test_one_line_may_mix_classification_and_detection():
    text = orjson.dumps(
        orjson.loads(DETECTION_LINE) | classification("Kitchen", key="scene")
    ).decode()
    record = parse_manifest_line(text, 1)
    assert record.labels == ["Kitchen"]
    assert len(record.boxes) == 2


def test_chained_adjustment_output_keeps_one_of_identical_boxes():
    base = orjson.loads(SPARSE_CLASS_MAP_LINE)
    adjusted = orjson.loads(SPARSE_CLASS_MAP_LINE)["bounding-box"]
    adjusted["annotations"][0]["left"] = 110
    metadata = base["bounding-box-metadata"] | {"adjustment-status": "adjusted"}
    base |= {"adjusted-bounding-box": adjusted, "adjusted-bounding-box-metadata": metadata}
    record = parse_manifest_line(orjson.dumps(base), 1)
    assert len(record.boxes) == 4  # 3 + the one adjusted box; two identical ones kept once
    assert record.issues == []


def test_documented_wrong_type_line_is_an_error_entry_keyed_by_its_source_ref():
    record = parse_manifest_line(WRONG_TYPE_LINE, 3)
    assert record.source_ref == "s3://bucket/test_normal_8.jpg"
    assert codes(record) == [
        ("ERROR_UNSUPPORTED_USE_CASE_TYPE", "ERROR"),
        ("ERROR_NO_VALID_LABEL_ATTRIBUTES", "ERROR"),
    ]
    assert record.issues[0].message == (
        "The use case type of the BB-metadata label attribute metadata is unsupported. "
        "Check the type field. 'groundtruth/wrongtype' is not one of "
        "groundtruth/image-classification, groundtruth/object-detection, "
        "groundtruth/image-classification-multilabel."
    )
    assert record.boxes == [] and record.labels == []
    assert record.raw_line == WRONG_TYPE_LINE
    assert record.is_labeled is True  # as the hosted service's cl-metadata says


# --- One test per error code ------------------------------------------------------------

ERROR_LINES = [
    pytest.param(b'{"source-ref": "s3://b/a.png"', "ERROR_INVALID_JSON_LINE", id="truncated"),
    pytest.param(b'["s3://b/a.png"]', "ERROR_INVALID_JSON_LINE", id="not-an-object"),
    pytest.param(b'{"source-ref": NaN}', "ERROR_INVALID_JSON_LINE", id="nan"),
    pytest.param(b"   ", "ERROR_INVALID_JSON_LINE", id="blank"),
    pytest.param(
        line(**classification("x")).replace("source-ref", "source_ref"),
        "ERROR_MISSING_SOURCE_REF",
        id="misspelt-source-ref",
    ),
    pytest.param('{"source-ref": 5}', "ERROR_INVALID_SOURCE_REF_FORMAT", id="not-a-string"),
    pytest.param('{"source-ref": ""}', "ERROR_INVALID_SOURCE_REF_FORMAT", id="empty"),
    pytest.param('{"source-ref": " \\t "}', "ERROR_INVALID_SOURCE_REF_FORMAT", id="whitespace"),
    pytest.param(
        '{"source-ref": "https://x.org/a.png"}', "ERROR_INVALID_SOURCE_REF_FORMAT", id="https"
    ),
    pytest.param(
        '{"source-ref": "s3://bucket-only"}', "ERROR_INVALID_SOURCE_REF_FORMAT", id="s3-without-key"
    ),
    pytest.param('{"source-ref": "/etc/passwd"}', "ERROR_INVALID_SOURCE_REF_FORMAT", id="absolute"),
    pytest.param(
        '{"source-ref": "C:\\\\img\\\\a.png"}', "ERROR_INVALID_SOURCE_REF_FORMAT", id="drive"
    ),
    pytest.param(
        orjson.dumps(
            {
                "source-ref": "s3://b/a.png",
                "bounding-box": orjson.loads(DETECTION_LINE)["bounding-box"],
            }
        ),
        "ERROR_NO_LABEL_ATTRIBUTES",
        id="attribute-without-metadata",
    ),
    pytest.param(
        orjson.dumps(
            {
                "source-ref": "s3://b/a.png",
                "bounding-box-metadata": orjson.loads(DETECTION_LINE)["bounding-box-metadata"],
            }
        ),
        "ERROR_NO_LABEL_ATTRIBUTES",
        id="metadata-without-attribute",
    ),
]


@pytest.mark.parametrize(("text", "code"), ERROR_LINES)
def test_an_invalid_line_is_kept_as_an_error_entry_with_the_hosted_code(text, code):
    record = parse_manifest_line(text, 12)
    assert codes(record)[0] == (code, "ERROR")
    assert record.has_errors
    assert record.labels == [] and record.boxes == []
    assert record.raw_line is not None
    assert record.source_ref  # always something to key the entry by


def test_a_line_without_a_readable_source_ref_gets_a_synthetic_one():
    assert parse_manifest_line(b"not json", 12).source_ref == "invalid-line:12"
    assert parse_manifest_line('{"source-ref": 5}', 13).source_ref == "invalid-line:13"


def test_a_line_with_an_unaccepted_source_ref_is_keyed_by_that_source_ref():
    record = parse_manifest_line('{"source-ref": "https://x.org/a.png"}', 1)
    assert record.source_ref == "https://x.org/a.png"
    assert "https" in record.issues[0].message


@pytest.mark.parametrize(
    "ref",
    [
        "s3://bucket/a b/c.png",
        "S3://bucket/a.png",
        "file:///data/a.png",
        "upload://batch-1/a.png",
        "images/a.png",
        "a.png",
        "dir/na:me.png",
    ],
)
def test_accepted_source_refs(ref):
    record = parse_manifest_line(line(**classification("x")).replace("s3://bucket/a.png", ref), 1)
    assert record.source_ref == ref
    assert record.issues == []


def test_missing_source_ref_message_is_the_hosted_one():
    record = parse_manifest_line(b'{"image": "a.png"}', 1)
    assert record.issues[0].message == "The source-ref key is missing."


# Each row: attributes that make the only attribute invalid -> the code on that attribute.
ATTRIBUTE_ERRORS = [
    pytest.param(
        {
            "bounding-box": [1, 2],
            "bounding-box-metadata": {"type": "groundtruth/object-detection", "class-map": {}},
        },
        "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
        id="detection-value-not-object",
    ),
    pytest.param(
        classification("cat", value={"a": 1}),
        "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
        id="classification-value-object",
    ),
    pytest.param(
        classification("cat", value=True),
        "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
        id="classification-value-bool",
    ),
    pytest.param(
        {"c": 0, "c-metadata": "groundtruth/image-classification"},
        "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
        id="metadata-not-object",
    ),
    pytest.param(
        {"c": 0, "c-metadata": {"type": "groundtruth/image-classification"}},
        "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
        id="no-class-name",
    ),
    pytest.param(
        {"c": 0, "c-metadata": {"class-name": "cat"}},
        "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
        id="no-type",
    ),
    pytest.param(
        classification("cat", type="groundtruth/semantic-segmentation"),
        "ERROR_UNSUPPORTED_USE_CASE_TYPE",
        id="unsupported-type",
    ),
    pytest.param(classification(""), "ERROR_INVALID_LABEL_NAME_LENGTH", id="empty-name"),
    pytest.param(classification("x" * 256), "ERROR_INVALID_LABEL_NAME_LENGTH", id="long-name"),
    pytest.param(
        classification(7), "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT", id="name-not-string"
    ),
    pytest.param(
        {
            "m": [4],
            "m-metadata": {
                "class-map": {"1": "cat"},
                "type": "groundtruth/image-classification-multilabel",
            },
        },
        "ERROR_MISSING_CLASS_MAP_ID",
        id="multilabel-id-not-in-class-map",
    ),
]


@pytest.mark.parametrize(("attributes", "code"), ATTRIBUTE_ERRORS)
def test_a_line_whose_only_attribute_is_invalid_has_no_valid_label_attributes(attributes, code):
    record = parse_manifest_line(line(**attributes), 1)
    assert codes(record) == [(code, "ERROR"), ("ERROR_NO_VALID_LABEL_ATTRIBUTES", "ERROR")]
    assert record.labels == [] and record.boxes == []


@pytest.mark.parametrize(("attributes", "code"), ATTRIBUTE_ERRORS)
def test_an_invalid_attribute_beside_a_valid_one_is_a_warning_and_the_label_is_kept(
    attributes, code
):
    record = parse_manifest_line(line(**attributes, **classification("dog", key="other")), 1)
    assert codes(record) == [(code, "WARNING")]
    assert record.labels == ["dog"]
    assert not record.has_errors
    assert record.raw_line is None


GOOD = ann(class_id=1, left=399, top=251, width=155, height=101)

# Each row: one bad annotation next to a good one -> the bad one is dropped with this code.
BOX_ERRORS = [
    pytest.param(ann(left=-3), "ERROR_INVALID_BOUNDING_BOX", id="negative-left"),
    pytest.param(ann(top=-0.5), "ERROR_INVALID_BOUNDING_BOX", id="negative-top"),
    pytest.param(ann(width=0), "ERROR_INVALID_BOUNDING_BOX", id="zero-width"),
    pytest.param(ann(height=-4), "ERROR_INVALID_BOUNDING_BOX", id="negative-height"),
    pytest.param(ann(left="10"), "ERROR_INVALID_BOUNDING_BOX", id="string-coordinate"),
    pytest.param(ann(width=None), "ERROR_INVALID_BOUNDING_BOX", id="null-coordinate"),
    pytest.param(ann(width=True), "ERROR_INVALID_BOUNDING_BOX", id="bool-coordinate"),
    pytest.param(ann(left=600, width=41), "ERROR_INVALID_BOUNDING_BOX", id="off-frame-right"),
    pytest.param(ann(top=470, height=11), "ERROR_INVALID_BOUNDING_BOX", id="off-frame-bottom"),
    pytest.param(
        {"left": 1, "top": 1, "width": 9, "height": 9},
        "ERROR_INVALID_BOUNDING_BOX",
        id="no-class-id",
    ),
    pytest.param("box", "ERROR_INVALID_BOUNDING_BOX", id="not-an-object"),
    pytest.param(ann(class_id=7), "ERROR_MISSING_CLASS_MAP_ID", id="class-id-not-in-map"),
    pytest.param(ann(width=1), "ERROR_BOUNDING_BOX_TOO_SMALL", id="one-pixel-wide"),
    pytest.param(ann(class_id=2), "ERROR_INVALID_LABEL_NAME_LENGTH", id="class-map-name-too-long"),
]


@pytest.mark.parametrize(("bad", "code"), BOX_ERRORS)
def test_an_invalid_box_is_dropped_with_its_code_and_the_rest_is_kept(bad, code):
    class_map = {"0": "Echo", "1": "Echo Dot", "2": "y" * 300}
    record = parse_manifest_line(detection([bad, GOOD], class_map=class_map), 1)
    assert record.boxes == [Box("Echo Dot", 399, 251, 155, 101)]
    assert codes(record) == [(code, "WARNING")]
    assert not record.has_errors
    assert "Annotation 0 of bounding-box" in record.issues[0].message


def test_off_frame_message_names_the_box_and_the_image_size():
    record = parse_manifest_line(detection([ann(left=600, width=41), GOOD]), 1)
    assert record.issues[0].message == (
        "The bounding box has off frame values. Annotation 0 of bounding-box (left=600, top=10, "
        "width=41, height=20) leaves the 640x480 image."
    )


def test_box_too_small_after_the_hosted_training_resize_is_dropped():
    # 2 px in a 4000 px wide image is 0.64 px once the trainer scales it to 1280 px.
    record = parse_manifest_line(
        detection([ann(width=2, height=50), ann(width=10, height=50)], size=(4000, 3000)), 1
    )
    assert [box.width for box in record.boxes] == [10]
    assert codes(record) == [("ERROR_BOUNDING_BOX_TOO_SMALL", "WARNING")]
    assert "0.64x16.00 px" in record.issues[0].message


def test_all_annotations_invalid_is_no_valid_annotations_error():
    record = parse_manifest_line(detection([ann(left=-1), ann(class_id=9)]), 1)
    assert codes(record) == [
        ("ERROR_INVALID_BOUNDING_BOX", "ERROR"),
        ("ERROR_MISSING_CLASS_MAP_ID", "ERROR"),
        ("ERROR_NO_VALID_ANNOTATIONS", "ERROR"),
    ]
    assert record.boxes == [] and record.image_size is None


def test_missing_confidence_keeps_the_boxes_and_says_so():
    record = parse_manifest_line(detection([ann(), GOOD], objects=[{"confidence": 1}]), 1)
    assert len(record.boxes) == 2
    assert codes(record) == [("ERROR_MISSING_BOUNDING_BOX_CONFIDENCE", "WARNING")]
    assert "annotation(s) 1" in record.issues[0].message


@pytest.mark.parametrize(
    "image_size",
    [
        [{"width": 0, "height": 480, "depth": 3}],
        [{"width": "640", "height": 480}],
        [],
        "640x480",
        [{"width": 640}],
        [{"width": 640.5, "height": 480}],
    ],
)
def test_bad_image_size_is_invalid_image_dimension(image_size):
    text = detection([GOOD])
    obj = orjson.loads(text)
    obj["bounding-box"]["image_size"] = image_size
    record = parse_manifest_line(orjson.dumps(obj), 1)
    assert codes(record) == [
        ("ERROR_INVALID_IMAGE_DIMENSION", "ERROR"),
        ("ERROR_NO_VALID_LABEL_ATTRIBUTES", "ERROR"),
    ]


def test_conflicting_image_sizes_on_one_line_drop_the_later_attribute():
    obj = orjson.loads(detection([GOOD]))
    other = orjson.loads(detection([ann()], size=(1280, 960)))
    obj |= {"b2": other["bounding-box"], "b2-metadata": other["bounding-box-metadata"]}
    record = parse_manifest_line(orjson.dumps(obj), 1)
    assert record.image_size == (640, 480)
    assert record.boxes == [Box("Echo Dot", 399, 251, 155, 101)]
    assert codes(record) == [("ERROR_INVALID_IMAGE_DIMENSION", "WARNING")]


def test_detection_without_image_size_is_accepted_without_a_frame():
    record = parse_manifest_line(detection([GOOD], size=None), 1)
    assert record.image_size is None
    assert len(record.boxes) == 1
    assert record.issues == []


def test_box_beyond_the_frame_by_float_noise_is_clipped():
    record = parse_manifest_line(detection([ann(left=600, width=40.0000000001)]), 1)
    assert record.boxes[0].width == 40
    assert record.issues == []


def test_too_many_boxes_for_the_hosted_service_are_all_kept():
    annotations = [ann(left=i % 600, top=i // 600, width=5, height=5) for i in range(0, 3000, 7)]
    record = parse_manifest_line(detection(annotations), 1)
    assert len(record.boxes) == len(annotations) > 50
    assert record.issues == []


def test_line_with_only_a_source_ref_is_an_unannotated_record():
    record = parse_manifest_line(b'{"source-ref": "s3://bucket/a.png"}', 1)
    assert codes(record) == [("WARNING_UNANNOTATED_RECORD", "WARNING")]
    assert record.issues[0].message == "Record is unannotated."
    assert record.is_labeled is False
    assert not record.has_errors


def test_pass_through_keys_are_ignored():
    record = parse_manifest_line(
        line(**classification("cat"), id=17, source="text", **{"cl-errors": []}), 1
    )
    assert record.labels == ["cat"]
    assert record.issues == []


def test_orphan_metadata_beside_a_valid_attribute_is_reported_and_ignored():
    record = parse_manifest_line(
        line(**classification("cat"), **{"old-metadata": {"type": "groundtruth/x"}}), 1
    )
    assert record.labels == ["cat"]
    assert codes(record) == [("ERROR_NO_LABEL_ATTRIBUTES", "WARNING")]
    assert "old-metadata" in record.issues[0].message


def test_empty_multilabel_selection_is_a_valid_attribute_without_labels():
    record = parse_manifest_line(
        line(
            m=[],
            **{
                "m-metadata": {
                    "class-map": {},
                    "type": "groundtruth/image-classification-multilabel",
                }
            },
        ),
        1,
    )
    assert codes(record) == [("WARNING_NO_ATTRIBUTE_ANNOTATIONS", "WARNING")]
    assert record.is_labeled is True


def test_duplicate_class_names_on_one_line_give_one_label():
    record = parse_manifest_line(
        line(**classification("cat", key="a"), **classification("cat", key="b")), 1
    )
    assert record.labels == ["cat"]


@pytest.mark.parametrize(
    "name",
    [
        'say "cheese"',
        "<b>bold</b> & <script>alert(1)</script>",
        "🐈‍⬛ cat 🐾",
        "חתול שחור",
        "قطة",
        "back\\slash",
        " padded ",
        "x" * 255,
    ],
)
def test_label_names_are_kept_exactly(name):
    record = parse_manifest_line(line(**classification(name)), 1)
    assert record.labels == [name]
    record = parse_manifest_line(detection([ann()], class_map={"0": name}), 1)
    assert record.boxes[0].label == name


# --- Bytes, sizes, streams -----------------------------------------------------------------


def test_invalid_utf8_is_an_invalid_json_line_naming_the_byte():
    text = line(**classification("caf\u00e9")).encode().replace(b"\xc3\xa9", b"\xe9")
    record = parse_manifest_line(text, 4)
    assert codes(record) == [("ERROR_INVALID_JSON_LINE", "ERROR")]
    assert "not valid UTF-8 (byte 0xe9" in record.issues[0].message
    assert record.source_ref == "invalid-line:4"
    assert "\ufffd" in record.raw_line


def test_a_line_of_more_than_100000_characters_is_read():
    annotations = [ann(left=i % 600, top=(i // 600) % 460, width=3, height=3) for i in range(3000)]
    text = detection(annotations)
    assert len(text) > 100_000
    record = parse_manifest_line(text, 1)
    assert record.issues == []
    assert len(record.boxes) == len({(a["left"], a["top"]) for a in annotations})


def test_a_line_longer_than_max_chars_is_invalid_and_keeps_its_start():
    text = line(**classification("cat"), padding="p" * 50_000)
    record = parse_manifest_line(text.encode(), 2, max_chars=20_000)
    assert codes(record) == [("ERROR_INVALID_JSON_LINE", "ERROR")]
    assert "at most 20,000" in record.issues[0].message
    assert record.raw_line == text[:RAW_LINE_KEEP_CHARS]


def test_max_chars_counts_characters_not_bytes():
    text = line(**classification("é" * 200))
    assert len(text.encode()) > 500 > len(text)
    assert parse_manifest_line(text.encode(), 1, max_chars=500).labels == ["é" * 200]


def test_read_manifest_streams_lines_with_numbers_skipping_blank_ones():
    data = (
        b"\xef\xbb\xbf"
        + CLASSIFICATION_LINE.encode()
        + b"\r\n"
        + b"\n   \n"
        + b"{broken\n"
        + DETECTION_LINE.encode()  # no final newline
    )
    records = list(read_manifest(io.BytesIO(data)))
    assert [r.line_number for r in records] == [1, 4, 5]
    assert records[0].labels == ["Echo Dot"]
    assert records[1].source_ref == "invalid-line:4"
    assert records[1].raw_line == "{broken"
    assert len(records[2].boxes) == 2


def test_read_manifest_accepts_any_iterable_of_byte_lines():
    records = list(read_manifest([CLASSIFICATION_LINE.encode(), b"\n", MULTI_LABEL_LINE.encode()]))
    assert [r.labels for r in records] == [["Echo Dot"], ["football", "ball"]]


def test_read_manifest_yields_duplicate_source_refs_in_order():
    first = line(**classification("cat"))
    second = line(**classification("dog"))
    records = list(read_manifest(io.BytesIO(f"{first}\n{second}\n".encode())))
    assert [(r.source_ref, r.labels) for r in records] == [
        ("s3://bucket/a.png", ["cat"]),
        ("s3://bucket/a.png", ["dog"]),
    ]


def test_read_manifest_reports_an_overlong_line_without_reading_it_whole():
    huge = line(**classification("cat"), padding="p" * 300_000).encode()
    data = huge + b"\n" + CLASSIFICATION_LINE.encode() + b"\n"
    records = list(read_manifest(io.BytesIO(data), max_chars=10_000))
    assert codes(records[0]) == [("ERROR_INVALID_JSON_LINE", "ERROR")]
    assert len(records[0].raw_line) == RAW_LINE_KEEP_CHARS
    assert records[1].line_number == 2 and records[1].labels == ["Echo Dot"]


def test_invalid_utf8_in_one_line_does_not_affect_the_next():
    data = b'{"source-ref": "a\xff.png"}\n' + CLASSIFICATION_LINE.encode() + b"\n"
    records = list(read_manifest(io.BytesIO(data)))
    assert records[0].has_errors and not records[1].has_errors
