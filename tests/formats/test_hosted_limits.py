"""What the hosted service would reject, reported for exports."""

from __future__ import annotations

import pytest

from customlabels.formats.hosted_limits import HostedLimits, dataset_issues, entry_issues
from customlabels.formats.records import Box, ExportItem


def item(**changes) -> ExportItem:
    values = {
        "entry_id": 1,
        "source_ref": "s3://bucket/a.jpg",
        "labels": ["cat"],
        "boxes": [],
        "width": 640,
        "height": 480,
        "image_name": "a.jpg",
        "read_upright_image": lambda: b"",
        "image_format": "JPEG",
        "byte_size": 100_000,
    }
    return ExportItem(**(values | changes))


def test_an_entry_within_every_limit_has_no_issues():
    assert entry_issues(item(boxes=[Box("cat", 0, 0, 640, 480)] * 50)) == []


ENTRY_CASES = [
    pytest.param({"image_format": "WEBP"}, "ERROR_INVALID_IMAGE", "ERROR", "WEBP", id="webp"),
    pytest.param({"image_format": "GIF"}, "ERROR_INVALID_IMAGE", "ERROR", "JPEG and PNG", id="gif"),
    pytest.param(
        {"width": 63, "height": 480},
        "ERROR_INVALID_IMAGE_DIMENSION",
        "ERROR",
        "63x480",
        id="too-narrow",
    ),
    pytest.param(
        {"width": 4097, "height": 480},
        "ERROR_INVALID_IMAGE_DIMENSION",
        "ERROR",
        "64 to 4096",
        id="too-wide",
    ),
    pytest.param(
        {"width": 2100, "height": 100}, "ERROR_INVALID_IMAGE", "ERROR", "21.0:1", id="aspect-ratio"
    ),
    pytest.param(
        {"byte_size": 15_000_001},
        "ERROR_INVALID_IMAGE",
        "ERROR",
        "15,000,001 bytes",
        id="too-many-bytes",
    ),
    pytest.param(
        {"boxes": [Box("cat", 0, 0, 10, 10)] * 51},
        "ERROR_TOO_MANY_BOUNDING_BOXES",
        "ERROR",
        "51 bounding boxes",
        id="too-many-boxes",
    ),
    pytest.param(
        {"labels": [f"l{i}" for i in range(51)]},
        "ERROR_TOO_MANY_LABELS_PER_IMAGE",
        "ERROR",
        "51 different labels",
        id="too-many-labels",
    ),
    pytest.param(
        {"boxes": [Box("cat", 0, 0, 1, 30)]},
        "ERROR_BOUNDING_BOX_TOO_SMALL",
        "WARNING",
        "1x30 px",
        id="one-pixel-box",
    ),
    pytest.param(
        {"width": 4000, "height": 3000, "boxes": [Box("cat", 0, 0, 3, 30)]},
        "ERROR_BOUNDING_BOX_TOO_SMALL",
        "WARNING",
        "0.96x9.60 px",
        id="scaled-box",
    ),
]


@pytest.mark.parametrize(("changes", "code", "severity", "named"), ENTRY_CASES)
def test_each_hosted_limit_gives_an_issue_naming_the_value_and_the_limit(
    changes, code, severity, named
):
    issues = entry_issues(item(**changes))
    assert [(i.code, i.severity) for i in issues] == [(code, severity)]
    assert named in issues[0].message


def test_jpeg_spellings_pillow_reports_are_accepted():
    assert entry_issues(item(image_format="MPO")) == []
    assert entry_issues(item(image_format="jpg")) == []
    assert entry_issues(item(image_format="PNG")) == []


def test_raw_size_is_what_the_hosted_service_checks():
    assert [i.code for i in entry_issues(item(raw_width=5000, raw_height=480))] == [
        "ERROR_INVALID_IMAGE_DIMENSION"
    ]


def test_unknown_format_and_size_are_not_reported():
    assert entry_issues(item(image_format=None, byte_size=None)) == []


def test_limits_are_settings():
    limits = HostedLimits(max_boxes=2, formats=frozenset({"JPEG", "PNG", "WEBP"}))
    issues = entry_issues(item(image_format="WEBP", boxes=[Box("a", 0, 0, 9, 9)] * 3), limits)
    assert [i.code for i in issues] == ["ERROR_TOO_MANY_BOUNDING_BOXES"]


def test_default_limits_are_the_documented_ones():
    limits = HostedLimits()
    assert (limits.min_side, limits.max_side, limits.max_bytes) == (64, 4096, 15_000_000)
    assert (limits.max_boxes, limits.max_labels, limits.max_lines) == (50, 250, 250_000)
    assert limits.formats == {"JPEG", "PNG"}


DATASET_CASES = [
    pytest.param(250, 250_000, [], id="at-the-limits"),
    pytest.param(251, 10, ["ERROR_MANIFEST_TOO_MANY_LABELS"], id="too-many-labels"),
    pytest.param(0, 10, ["ERROR_MANIFEST_TOO_FEW_LABELS"], id="no-labels"),
    pytest.param(5, 250_001, ["ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM"], id="too-many-entries"),
    pytest.param(5, 0, ["ERROR_EMPTY_MANIFEST"], id="empty"),
]


@pytest.mark.parametrize(("labels", "entries", "expected"), DATASET_CASES)
def test_dataset_limits(labels, entries, expected):
    issues = dataset_issues(labels, entries, HostedLimits())
    assert [i.code for i in issues] == expected
    assert all(i.severity == "ERROR" for i in issues)


def test_dataset_issue_messages_name_the_count_and_the_limit():
    (issue,) = dataset_issues(300, 10)
    assert issue.message == "The dataset uses 300 labels; the hosted service accepts at most 250."
