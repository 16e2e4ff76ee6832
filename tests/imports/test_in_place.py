"""Imports in place: a server folder referenced where it lies, its files checked on every read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from customlabels.errors import InvalidInput, SourceFileChanged
from customlabels.services import datasets
from customlabels.services.assets import read_original, read_thumbnail

from .helpers import all_entries, by_name, codes, create, jpeg, marked_jpeg, opened, png, save


def _folder(root: Path) -> Path:
    save(root / "cat" / "a.jpg", jpeg((90, 60), (200, 10, 10)))
    save(root / "cat" / "b.jpg", jpeg((90, 60), (10, 200, 10)))
    save(root / "dog" / "c.png", png((50, 40), (10, 10, 200)))
    save(root / "dog" / "turned.jpg", marked_jpeg(6))
    return root


def _in_place(ctx, root: Path, project: str = "p", kind: str = "train"):
    source = {"kind": "folder", "path": str(root), "folder_labels": True, "in_place": True}
    return create(ctx, source, project, kind)


def _asset_keys(ctx) -> list[str]:
    return list(ctx.blobs.keys("assets/"))


def _sha(ctx, name: str) -> str:
    view = by_name(all_entries(ctx))[name]
    assert view.asset is not None
    return view.asset.sha256


def test_an_import_in_place_copies_no_image_into_the_store_and_serves_the_files_bytes(
    ctx, tmp_path
):
    root = _folder(tmp_path / "photos")
    job = _in_place(ctx, root)
    assert job.status == "SUCCEEDED"
    assert _asset_keys(ctx) == []
    found = by_name(all_entries(ctx))
    assert sorted(found) == ["a.jpg", "b.jpg", "c.png", "turned.jpg"]
    assert found["a.jpg"].labels == ["cat"] and found["c.png"].labels == ["dog"]
    for name, path in [("a.jpg", "cat/a.jpg"), ("c.png", "dog/c.png")]:
        assert read_original(ctx, _sha(ctx, name)) == (root / path).read_bytes()
    # The orientation was read from the header: the upright size is swapped.
    turned = found["turned.jpg"].asset
    assert turned is not None and (turned.width, turned.height) == (80, 120)


def test_deferred_thumbnails_are_made_upright_on_first_view(ctx, tmp_path):
    root = _folder(tmp_path / "photos")
    _in_place(ctx, root)
    thumbnail = opened(read_thumbnail(ctx, _sha(ctx, "turned.jpg")))
    assert thumbnail.format == "JPEG" and thumbnail.size == (80, 120)
    assert read_thumbnail(ctx, _sha(ctx, "a.jpg"))[:2] == b"\xff\xd8"


def test_a_file_rewritten_with_other_content_is_an_entry_error_and_never_served(ctx, tmp_path):
    root = _folder(tmp_path / "photos")
    _in_place(ctx, root)
    sha = _sha(ctx, "a.jpg")
    original = (root / "cat" / "a.jpg").read_bytes()
    save(root / "cat" / "a.jpg", jpeg((120, 90), (1, 2, 3)))
    with pytest.raises(SourceFileChanged) as caught:
        read_original(ctx, sha)
    assert caught.value.details == {"issue": "ERROR_SOURCE_CHANGED"}
    assert codes(by_name(all_entries(ctx))["a.jpg"]) == {"ERROR_SOURCE_CHANGED"}
    assert datasets.describe_dataset(ctx, "p", "train").stats.error_entries == 1
    # Put back as it was: found again, and the error goes.
    save(root / "cat" / "a.jpg", original)
    assert read_original(ctx, sha) == original
    assert codes(by_name(all_entries(ctx))["a.jpg"]) == set()
    assert datasets.describe_dataset(ctx, "p", "train").stats.error_entries == 0


def test_other_content_of_the_same_size_is_caught_by_the_hash(ctx, tmp_path):
    root = _folder(tmp_path / "photos")
    _in_place(ctx, root)
    sha = _sha(ctx, "a.jpg")
    path = root / "cat" / "a.jpg"
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # one byte of the compressed data: same size, other image
    st = path.stat()
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    with pytest.raises(SourceFileChanged):
        read_original(ctx, sha)
    assert codes(by_name(all_entries(ctx))["a.jpg"]) == {"ERROR_SOURCE_CHANGED"}


def test_a_touched_file_with_the_same_bytes_is_still_served(ctx, tmp_path):
    root = _folder(tmp_path / "photos")
    _in_place(ctx, root)
    path = root / "cat" / "b.jpg"
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 5_000_000_000))
    assert read_original(ctx, _sha(ctx, "b.jpg")) == path.read_bytes()
    assert codes(by_name(all_entries(ctx))["b.jpg"]) == set()


def test_a_deleted_file_is_an_entry_error_and_its_image_and_thumbnail_are_refused(ctx, tmp_path):
    root = _folder(tmp_path / "photos")
    _in_place(ctx, root)
    sha = _sha(ctx, "b.jpg")
    (root / "cat" / "b.jpg").unlink()
    with pytest.raises(SourceFileChanged) as caught:
        read_thumbnail(ctx, sha)  # deferred, so made from the file: refused too
    assert caught.value.details == {"issue": "ERROR_SOURCE_MISSING"}
    with pytest.raises(SourceFileChanged):
        read_original(ctx, sha)
    view = by_name(all_entries(ctx))["b.jpg"]
    assert codes(view) == {"ERROR_SOURCE_MISSING"} and view.has_errors


def test_a_copying_import_of_the_same_files_stores_their_bytes_for_good(ctx, tmp_path):
    root = _folder(tmp_path / "photos")
    _in_place(ctx, root)
    sha = _sha(ctx, "a.jpg")
    original = (root / "cat" / "a.jpg").read_bytes()
    create(ctx, {"kind": "folder", "path": str(root)}, "p", "test")
    assert len(_asset_keys(ctx)) == 4
    (root / "cat" / "a.jpg").unlink()
    assert read_original(ctx, sha) == original


def test_thumbnails_can_be_made_during_the_import_in_place(ctx, tmp_path):
    ctx.settings.in_place_thumbnails = "import"
    try:
        root = _folder(tmp_path / "photos")
        _in_place(ctx, root)
        sha = _sha(ctx, "a.jpg")
        (root / "cat" / "a.jpg").unlink()
        assert opened(read_thumbnail(ctx, sha)).size == (90, 60)  # kept, not made now
        assert _asset_keys(ctx) == []
    finally:
        ctx.settings.in_place_thumbnails = "deferred"


def test_a_big_import_in_place_on_worker_processes_references_every_file(sqlite_ctx, tmp_path):
    root = tmp_path / "many"
    for i in range(70):  # over PROCESS_POOL_MIN_FILES: analysed on the process pool
        save(root / f"{i:03d}.jpg", jpeg((64, 48), (i, 255 - i, 3 * i % 256)))
    job = _in_place(sqlite_ctx, root)
    assert (job.status, job.done, job.error_count) == ("SUCCEEDED", 70, 0)
    assert _asset_keys(sqlite_ctx) == []
    blobs = sqlite_ctx.settings.data_dir / "blobs"
    assert not any(p.is_file() for p in blobs.rglob("*") if "assets" in p.parts)
    view = by_name(all_entries(sqlite_ctx))["042.jpg"]
    assert view.asset is not None
    assert read_original(sqlite_ctx, view.asset.sha256) == (root / "042.jpg").read_bytes()


def test_in_place_is_refused_for_sources_other_than_folders(ctx, tmp_path):
    manifest = tmp_path / "in.manifest"
    manifest.write_text("")
    with pytest.raises(InvalidInput, match="folder sources only"):
        create(ctx, {"kind": "manifest", "path": str(manifest), "in_place": True})
