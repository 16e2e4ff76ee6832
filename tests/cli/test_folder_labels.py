"""``dataset create --from-folder --folder-labels``: labels at any depth, levels, skip counts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from customlabels.services import entries
from customlabels.services.entry_query import EntryFilter


def _image(path: Path, shade: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, shade, shade)).save(out, "PNG")
    path.write_bytes(out.getvalue())


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """``set/``: one image at the top, ``cat/a.png``, ``cat/deeper/b.png``, and two non-images."""
    root = tmp_path / "set"
    _image(root / "top.png", 10)
    _image(root / "cat" / "a.png", 20)
    _image(root / "cat" / "deeper" / "b.png", 30)
    (root / "cat" / "notes.txt").write_text("not an image")
    (root / ".DS_Store").write_bytes(b"\0")
    return root


def _labels(opened, data_dir: Path) -> dict[str, list[str]]:
    with opened(data_dir) as ctx:
        views = entries.iter_entries(ctx, "p", "train", EntryFilter())
        return {v.source_ref.split("/set/", 1)[1]: v.labels for v in views}


def test_a_deep_image_gets_its_first_folders_label_and_the_summary_counts_skips(
    cli, opened, nested: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    cli("project", "create", "p", data_dir=data_dir)
    done = cli(
        "dataset", "create", "p", "train", "--from-folder", nested, "--folder-labels",
        data_dir=data_dir,
    )  # fmt: skip
    assert "3 entries" in done.stdout
    assert "2 files skipped (1 hidden, 1 not an image)" in done.stdout
    assert _labels(opened, data_dir) == {
        "top.png": [],
        "cat/a.png": ["cat"],
        "cat/deeper/b.png": ["cat"],
    }


def test_label_level_2_labels_by_the_second_folder_and_folder_depth_skips_deeper_images(
    cli, opened, nested: Path, tmp_path: Path
) -> None:
    by_level = tmp_path / "by-level"
    cli("project", "create", "p", data_dir=by_level)
    cli(
        "dataset", "create", "p", "train", "--from-folder", nested, "--folder-labels",
        "--label-level", "2", data_dir=by_level,
    )  # fmt: skip
    assert _labels(opened, by_level)["cat/deeper/b.png"] == ["deeper"]
    assert _labels(opened, by_level)["cat/a.png"] == []

    by_depth = tmp_path / "by-depth"
    cli("project", "create", "p", data_dir=by_depth)
    done = cli(
        "dataset", "create", "p", "train", "--from-folder", nested, "--folder-labels",
        "--folder-depth", "1", data_dir=by_depth,
    )  # fmt: skip
    assert "1 deeper than the folder depth" in done.stdout
    assert "cat/deeper/b.png" not in _labels(opened, by_depth)


def test_folder_options_without_folder_labels_are_refused_naming_them(
    cli, nested: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    cli("project", "create", "p", data_dir=data_dir)
    done = cli(
        "dataset", "create", "p", "train", "--from-folder", nested, "--label-level", "2",
        data_dir=data_dir, ok=False,
    )  # fmt: skip
    assert "--label-level and --folder-depth apply with --folder-labels only" in done.stderr
