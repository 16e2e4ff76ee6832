"""``dataset create|update --from-folder DIR --in-place``: images referenced where they lie."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from customlabels.services import entries
from customlabels.services.assets import read_original
from customlabels.services.entry_query import EntryFilter


def _jpeg(path: Path, shade: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 0, 0)).save(out, "JPEG")
    path.write_bytes(out.getvalue())


def _stored_images(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "blobs" / "assets").rglob("*") if p.is_file()]


def test_create_and_update_in_place_reference_the_files_without_copying_them(
    cli, opened, tmp_path: Path
) -> None:
    photos, data_dir = tmp_path / "photos", tmp_path / "data"
    _jpeg(photos / "cat" / "a.jpg", 10)
    _jpeg(photos / "dog" / "b.jpg", 20)
    cli("project", "create", "p", data_dir=data_dir)
    done = cli(
        "dataset", "create", "p", "train", "--from-folder", photos, "--folder-labels",
        "--in-place", data_dir=data_dir,
    )  # fmt: skip
    assert "2 entries" in done.stdout
    assert _stored_images(data_dir) == []

    _jpeg(photos / "cat" / "c.jpg", 30)
    cli(
        "dataset", "update", "p", "train", "--from-folder", photos, "--folder-labels",
        "--in-place", data_dir=data_dir,
    )  # fmt: skip
    assert _stored_images(data_dir) == []
    with opened(data_dir) as ctx:
        views = {
            v.source_ref.rsplit("/", 1)[-1]: v
            for v in entries.iter_entries(ctx, "p", "train", EntryFilter())
        }
        assert sorted(views) == ["a.jpg", "b.jpg", "c.jpg"]
        assert views["c.jpg"].labels == ["cat"]
        asset = views["c.jpg"].asset
        assert asset is not None
        assert read_original(ctx, asset.sha256) == (photos / "cat" / "c.jpg").read_bytes()


def test_in_place_without_a_folder_is_refused_with_a_clear_message(cli, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    cli("project", "create", "p", data_dir=data_dir)
    refused = cli(
        "dataset", "create", "p", "train", "--from-yolo", tmp_path, "--in-place",
        data_dir=data_dir, ok=False,
    )  # fmt: skip
    assert "--in-place applies with --from-folder only" in refused.stdout + refused.stderr
