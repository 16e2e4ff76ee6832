"""Folder-per-label trees: scanning rules, skipped files, and exact label round trips."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image

from customlabels.formats.errors import FormatError
from customlabels.formats.folders import (
    IMAGE_SUFFIXES,
    label_to_dirname,
    scan_folder,
    write_folders,
)
from customlabels.formats.records import Box, ExportItem
from customlabels.formats.skips import SkipReason


def png(size: tuple[int, int] = (16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 90, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def touch_image(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png())


def make_item(entry_id: int, name: str, labels=(), boxes=()) -> ExportItem:
    data = png()
    return ExportItem(
        entry_id=entry_id,
        source_ref=f"file:///src/{name}",
        labels=list(labels),
        boxes=list(boxes),
        width=16,
        height=12,
        image_name=name,
        read_upright_image=lambda: data,
    )


def relative_labels(root: Path, records) -> list[tuple[str, list[str]]]:
    real = root.resolve()
    return [(Path(r.local_path).relative_to(real).as_posix(), r.labels) for r in records]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in (
        "root.jpg",
        "cat/a.JPG",
        "cat/b.png",
        "cat/deep/c.webp",
        "dog/d.tiff",
        "dog/deep/deeper/e.gif",
        ".hidden/f.jpg",
        "cat/.g.jpg",
    ):
        touch_image(tmp_path / name)
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    return tmp_path


def test_folder_labels_take_the_first_folder_below_the_root_at_any_depth(tree: Path) -> None:
    scan = scan_folder(tree, folder_labels=True)
    assert relative_labels(tree, scan) == [
        ("cat/a.JPG", ["cat"]),
        ("cat/b.png", ["cat"]),
        ("cat/deep/c.webp", ["cat"]),
        ("dog/d.tiff", ["dog"]),
        ("dog/deep/deeper/e.gif", ["dog"]),
        ("root.jpg", []),
    ]
    assert scan.skipped.paths(SkipReason.DEEPER_THAN_FOLDER_DEPTH) == []
    assert scan.without_folder_label == 1


@pytest.mark.parametrize(
    ("depth", "too_deep"),
    [
        (1, ["cat/deep/c.webp", "dog/deep/deeper/e.gif"]),
        (2, ["dog/deep/deeper/e.gif"]),
        (3, []),
    ],
)
def test_a_folder_depth_skips_and_counts_the_images_below_it(
    tree: Path, depth: int, too_deep: list[str]
) -> None:
    scan = scan_folder(tree, folder_labels=True, folder_depth=depth)
    read = [path for path, _ in relative_labels(tree, scan)]
    assert not set(read) & set(too_deep)
    assert scan.skipped.paths(SkipReason.DEEPER_THAN_FOLDER_DEPTH) == too_deep
    assert scan.skipped.by_reason.get(SkipReason.DEEPER_THAN_FOLDER_DEPTH, 0) == len(too_deep)


def test_a_label_level_of_2_labels_by_the_folder_inside_the_first(tree: Path) -> None:
    scan = scan_folder(tree, folder_labels=True, label_level=2)
    assert relative_labels(tree, scan) == [
        ("cat/a.JPG", []),
        ("cat/b.png", []),
        ("cat/deep/c.webp", ["deep"]),
        ("dog/d.tiff", []),
        ("dog/deep/deeper/e.gif", ["deep"]),
        ("root.jpg", []),
    ]
    assert scan.without_folder_label == 4


def test_a_folder_depth_below_the_label_level_is_refused(tree: Path) -> None:
    with pytest.raises(ValueError, match="folder_depth=1 is less than label_level=2"):
        scan_folder(tree, folder_labels=True, label_level=2, folder_depth=1)


def test_without_folder_labels_every_image_is_read_unlabelled(tree: Path) -> None:
    scan = scan_folder(tree, folder_labels=False)
    assert relative_labels(tree, scan) == [
        ("cat/a.JPG", []),
        ("cat/b.png", []),
        ("cat/deep/c.webp", []),
        ("dog/d.tiff", []),
        ("dog/deep/deeper/e.gif", []),
        ("root.jpg", []),
    ]
    assert scan.skipped.paths(SkipReason.NOT_AN_IMAGE) == ["cat/notes.txt"]
    assert scan.skipped.files[-1].detail == "not an image file (suffix .txt)"


def test_hidden_files_and_folders_are_skipped_and_counted_not_read(tree: Path) -> None:
    scan = scan_folder(tree, folder_labels=False)
    paths = [r.local_path for r in scan]
    assert not any("/." in (p or "") for p in paths)
    assert scan.skipped.paths(SkipReason.HIDDEN) == [".hidden", "cat/.g.jpg"]
    assert scan.skipped.describe() == "3 files skipped (2 hidden, 1 not an image)"


def test_manifests_and_the_labels_file_are_skipped_with_their_own_reasons(
    tmp_path: Path,
) -> None:
    touch_image(tmp_path / "cat" / "a.jpg")
    (tmp_path / "train.manifest").write_text("{}\n")
    (tmp_path / "labels.json").write_text('{"cat": "Cat"}')
    scan = scan_folder(tmp_path, folder_labels=True)
    assert [r.labels for r in scan] == [["Cat"]]
    assert {r.value: n for r, n in scan.skipped.by_reason.items()} == {
        "labels_file": 1,
        "manifest": 1,
    }


def test_records_name_their_files_with_file_source_refs(tree: Path) -> None:
    record = next(iter(scan_folder(tree, folder_labels=True)))
    assert record.source_ref == "file://" + (tree / "cat" / "a.JPG").resolve().as_posix()
    assert record.issues == [] and record.frame == "upright"


def test_a_symlink_out_of_the_root_is_skipped_and_one_inside_is_read(tmp_path: Path) -> None:
    root = tmp_path / "root"
    touch_image(tmp_path / "outside.jpg")
    touch_image(root / "cat" / "a.jpg")
    (root / "cat" / "out.jpg").symlink_to(tmp_path / "outside.jpg")
    (root / "dog").mkdir()
    (root / "dog" / "in.jpg").symlink_to(root / "cat" / "a.jpg")
    (root / "escape").symlink_to(tmp_path, target_is_directory=True)

    scan = scan_folder(root, folder_labels=True)
    records = list(scan)

    assert [r.labels for r in records] == [["cat"], ["dog"]]
    assert all(r.local_path == str((root / "cat" / "a.jpg").resolve()) for r in records)
    assert scan.skipped.paths(SkipReason.SYMLINK_OUT_OF_ROOT) == ["cat/out.jpg", "escape"]


def test_image_suffixes_cover_the_formats_we_accept() -> None:
    assert {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"} == IMAGE_SUFFIXES


WEIRD_LABELS = [
    'say "hi"',
    "it's",
    "<b>bold</b> & <script>x</script>",
    "🐱 cat",
    "קטגוריה",  # right-to-left
    "a/b",
    "back\\slash",
    ".",
    "..",
    ".hidden",
    "_unlabeled",
    "100%",
    "trailing dot.",
    "trailing space ",
    "tab\there",
    "x" * 255,
    "é" * 200,
    "Cat",
    "cat",
    "con:*?|",
]


def test_any_label_name_round_trips_through_write_and_scan(tmp_path: Path) -> None:
    items = [make_item(i, f"img{i}.png", [label]) for i, label in enumerate(WEIRD_LABELS)]
    items.append(make_item(99, "none.png"))
    summary = write_folders(items, tmp_path, WEIRD_LABELS)
    assert summary.images_written == len(WEIRD_LABELS) + 1

    by_name = {Path(r.local_path).name: r.labels for r in scan_folder(tmp_path, folder_labels=True)}

    assert by_name == {
        **{f"img{i}.png": [label] for i, label in enumerate(WEIRD_LABELS)},
        "none.png": [],
    }
    assert (tmp_path / "_unlabeled" / "none.png").is_file()


def test_an_image_with_two_labels_is_written_in_both_folders(tmp_path: Path) -> None:
    summary = write_folders(
        [make_item(1, "a.png", ["cat", "pet"], [Box("cat", 1, 1, 2, 2)])], tmp_path, ["cat", "pet"]
    )
    assert (tmp_path / "cat" / "a.png").read_bytes() == (tmp_path / "pet" / "a.png").read_bytes()
    assert (summary.images_written, summary.annotations_written, summary.boxes_ignored) == (1, 2, 1)


@pytest.mark.parametrize("label", WEIRD_LABELS)
def test_folder_names_are_safe_and_reversible(label: str) -> None:
    name = label_to_dirname(label)
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in {".", ".."} and not name.startswith((".", "_"))
    assert len(name.encode("utf-8")) <= 200
    if "~" not in name:
        assert unquote(name) == label


def test_a_broken_labels_json_raises_format_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text("{not json")
    with pytest.raises(FormatError, match="invalid JSON") as error:
        list(scan_folder(tmp_path, folder_labels=True))
    assert str(tmp_path / "labels.json") in str(error.value)


def test_scanning_something_that_is_not_a_folder_raises_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not a folder"):
        scan_folder(tmp_path / "nope", folder_labels=True)
