"""Skipped files: counted by reason however many, named up to a limit, summed up in words."""

from __future__ import annotations

import pytest

from customlabels.formats.skips import SkipLog, SkipReason, skip_of_name


def test_every_skip_is_counted_but_only_the_first_ones_are_named() -> None:
    log = SkipLog(keep=3)
    for n in range(10):
        log.add(f".cache/{n}.jpg", SkipReason.HIDDEN, "hidden name")
    log.add("notes.txt", SkipReason.NOT_AN_IMAGE, "not an image file (suffix .txt)")
    result = log.as_result()
    assert result["skipped_count"] == 11
    assert result["skipped_by_reason"] == {"hidden": 10, "not_an_image": 1}
    assert [f["path"] for f in result["skipped_files"]] == [
        ".cache/0.jpg",
        ".cache/1.jpg",
        ".cache/2.jpg",
    ]
    assert log.describe() == "11 files skipped (10 hidden, 1 not an image)"


def test_nothing_skipped_is_said_plainly() -> None:
    assert SkipLog().describe() == "0 files skipped"
    assert SkipLog().as_result() == {
        "skipped_count": 0,
        "skipped_by_reason": {},
        "skipped_files": [],
    }


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("a.JPG", None),
        ("b.webp", None),
        (".DS_Store", SkipReason.HIDDEN),
        ("._a.jpg", SkipReason.HIDDEN),
        ("train.manifest", SkipReason.MANIFEST),
        ("notes.txt", SkipReason.NOT_AN_IMAGE),
        ("README", SkipReason.NOT_AN_IMAGE),
    ],
)
def test_file_names_are_read_or_skipped_with_the_right_reason(
    name: str, reason: SkipReason | None
) -> None:
    skip = skip_of_name(name)
    assert (skip[0] if skip else None) == reason
