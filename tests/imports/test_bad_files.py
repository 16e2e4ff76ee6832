"""Bad image files: each gets a clear error on its own entry, and nothing else is lost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from customlabels.errors import InvalidInput
from customlabels.services import datasets
from customlabels.services.assets import read_thumbnail
from customlabels.services.entry_query import EntryFilter

from .helpers import all_entries, by_name, codes, create, encode, jpeg, opened, png, save


def _bad_and_good(root: Path) -> Path:
    good = jpeg((90, 70), (200, 100, 50))
    save(root / "good.jpg", good)
    save(root / "good2.png", png((70, 90), (20, 200, 50)))
    save(root / "zero.jpg", b"")
    save(root / "text.jpg", b"this is a text file, not a picture\n" * 10)
    save(root / "truncated.jpg", good[: len(good) // 2])
    corrupt = bytearray(png((64, 64), (9, 9, 9)))
    corrupt[60:200] = b"\x00" * 140  # damage the compressed pixel data and its CRC
    save(root / "corrupt.png", bytes(corrupt))
    save(root / "random.png", np.random.default_rng(1).bytes(3000))
    return root


def test_corrupt_truncated_zero_byte_and_non_image_files_become_entries_with_errors(ctx, tmp_path):
    root = _bad_and_good(tmp_path / "src")
    create(ctx, {"kind": "folder", "path": str(root)})
    found = by_name(all_entries(ctx))
    for name in ("zero.jpg", "text.jpg", "truncated.jpg", "corrupt.png", "random.png"):
        entry = found[name]
        assert entry.has_errors, name
        assert "ERROR_INVALID_IMAGE" in codes(entry), name
        assert entry.asset is None, name
        assert all(i["message"] for i in entry.issues), name
    assert "empty" in found["zero.jpg"].issues[0]["message"]
    assert "truncated" in found["truncated.jpg"].issues[0]["message"]


def test_one_bad_file_never_fails_the_import_of_the_others(ctx, tmp_path):
    root = _bad_and_good(tmp_path / "src")
    job = create(ctx, {"kind": "folder", "path": str(root)})
    assert job.status == "SUCCEEDED"
    assert (job.done, job.total, job.error_count) == (7, 7, 5)
    assert job.result["with_errors"] == 5
    assert "5 with errors" in job.message
    found = by_name(all_entries(ctx))
    assert found["good.jpg"].asset is not None and not found["good.jpg"].has_errors
    assert (found["good2.png"].asset.width, found["good2.png"].asset.height) == (70, 90)
    info = datasets.describe_dataset(ctx, "p", "train")
    assert info.status == "CREATE_COMPLETE"
    assert (info.stats.total_entries, info.stats.error_entries) == (7, 5)


def test_entries_of_bad_files_are_found_by_the_has_errors_filter(ctx, tmp_path):
    root = _bad_and_good(tmp_path / "src")
    create(ctx, {"kind": "folder", "path": str(root)})
    bad = by_name(all_entries(ctx, flt=EntryFilter(has_errors=True)))
    assert set(bad) == {"zero.jpg", "text.jpg", "truncated.jpg", "corrupt.png", "random.png"}
    good = by_name(all_entries(ctx, flt=EntryFilter(has_errors=False)))
    assert set(good) == {"good.jpg", "good2.png"}


def test_a_png_named_jpg_is_accepted_as_a_png(ctx, tmp_path):
    save(tmp_path / "src" / "really-a-png.jpg", png((66, 77)))
    create(ctx, {"kind": "folder", "path": str(tmp_path / "src")})
    [entry] = all_entries(ctx)
    assert not entry.has_errors
    assert entry.asset.image_format == "PNG"
    assert (entry.asset.width, entry.asset.height) == (66, 77)


def test_a_decompression_bomb_is_refused_by_the_pixel_limit(ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(ctx.settings, "max_image_pixels", 100 * 100)
    save(tmp_path / "src" / "bomb.png", encode(Image.new("L", (400, 400)), "PNG"))
    save(tmp_path / "src" / "small.png", png((64, 64)))
    job = create(ctx, {"kind": "folder", "path": str(tmp_path / "src")})
    assert job.status == "SUCCEEDED"
    found = by_name(all_entries(ctx))
    assert codes(found["bomb.png"]) == {"ERROR_INVALID_IMAGE_DIMENSION"}
    assert "160,000 pixels" in found["bomb.png"].issues[0]["message"]
    assert found["bomb.png"].asset is None
    assert found["small.png"].asset is not None


def test_a_file_over_the_byte_limit_is_refused_without_reading_it(ctx, tmp_path, monkeypatch):
    big = np.random.default_rng(2).integers(0, 255, (200, 200, 3), dtype=np.uint8)
    data = encode(Image.fromarray(big), "PNG")
    monkeypatch.setattr(ctx.settings, "max_image_bytes", len(data) - 1)
    save(tmp_path / "src" / "big.png", data)
    save(tmp_path / "src" / "small.png", png((64, 64)))
    create(ctx, {"kind": "folder", "path": str(tmp_path / "src")})
    found = by_name(all_entries(ctx))
    assert codes(found["big.png"]) == {"ERROR_INVALID_IMAGE"}
    assert "exceeds the limit" in found["big.png"].issues[0]["message"]
    assert found["big.png"].asset is None
    assert found["small.png"].asset is not None


def _unusual(root: Path) -> dict[str, tuple[str, int, int]]:
    """Unusual but valid images: name -> (format, width, height)."""
    grey16 = Image.fromarray(
        (np.arange(80 * 64, dtype=np.uint16).reshape(64, 80) * 12).astype(np.uint16)
    )
    save(root / "grey16.png", encode(grey16, "PNG"))
    save(root / "cmyk.jpg", encode(Image.new("CMYK", (72, 64), (10, 200, 30, 5)), "JPEG"))
    save(root / "palette.png", encode(Image.new("RGB", (64, 70), (9, 99, 199)).convert("P"), "PNG"))
    save(root / "rgba.png", encode(Image.new("RGBA", (65, 64), (200, 0, 0, 90)), "PNG"))
    save(root / "grey.jpg", encode(Image.new("L", (64, 66), 77), "JPEG"))
    frames = [Image.new("P", (68, 64), i * 40) for i in range(4)]
    gif = root / "animated.gif"
    gif.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=50, loop=0)
    save(root / "bitmap.bmp", encode(Image.new("RGB", (64, 64), (1, 2, 3)), "BMP"))
    save(root / "photo.webp", encode(Image.new("RGB", (64, 64), (1, 2, 3)), "WEBP"))
    save(root / "scan.tiff", encode(Image.new("RGB", (64, 64), (1, 2, 3)), "TIFF"))
    return {
        "grey16.png": ("PNG", 80, 64),
        "cmyk.jpg": ("JPEG", 72, 64),
        "palette.png": ("PNG", 64, 70),
        "rgba.png": ("PNG", 65, 64),
        "grey.jpg": ("JPEG", 64, 66),
        "animated.gif": ("GIF", 68, 64),
        "bitmap.bmp": ("BMP", 64, 64),
        "photo.webp": ("WEBP", 64, 64),
        "scan.tiff": ("TIFF", 64, 64),
    }


def test_16_bit_cmyk_palette_rgba_grey_animated_and_other_formats_are_accepted(ctx, tmp_path):
    expected = _unusual(tmp_path / "src")
    job = create(ctx, {"kind": "folder", "path": str(tmp_path / "src")})
    assert job.error_count == 0
    found = by_name(all_entries(ctx))
    got = {
        name: (v.asset.image_format, v.asset.width, v.asset.height)
        for name, v in found.items()
        if v.asset is not None and not v.has_errors
    }
    assert got == expected


@pytest.mark.parametrize(
    "name", ["grey16.png", "cmyk.jpg", "palette.png", "rgba.png", "animated.gif"]
)
def test_unusual_images_get_a_viewable_rgb_thumbnail(sqlite_ctx, tmp_path, name):
    _unusual(tmp_path / "src")
    create(sqlite_ctx, {"kind": "folder", "path": str(tmp_path / "src")})
    entry = by_name(all_entries(sqlite_ctx))[name]
    thumb = opened(read_thumbnail(sqlite_ctx, entry.asset.sha256))
    assert thumb.format == "JPEG"
    assert thumb.mode == "RGB"
    assert thumb.size == (entry.asset.width, entry.asset.height)


def test_a_missing_folder_is_refused_before_any_job_starts(ctx, tmp_path):
    with pytest.raises(InvalidInput, match="does not exist"):
        create(ctx, {"kind": "folder", "path": str(tmp_path / "nowhere")})


@pytest.mark.parametrize("pool", ["threads", "processes"])
def test_an_image_over_the_decode_budget_is_kept_with_its_error(ctx, tmp_path, monkeypatch, pool):
    monkeypatch.setattr(ctx.settings, "max_decode_bytes", 300 * 300 * 4 - 1)
    monkeypatch.setattr(ctx.settings, "import_pool", pool)
    save(tmp_path / "src" / "wide.png", encode(Image.new("RGBA", (300, 300)), "PNG"))
    save(tmp_path / "src" / "small.png", png((64, 64)))
    job = create(ctx, {"kind": "folder", "path": str(tmp_path / "src")})
    assert job.status == "SUCCEEDED"
    found = by_name(all_entries(ctx))
    assert codes(found["wide.png"]) == {"ERROR_INVALID_IMAGE_DIMENSION"}
    assert (
        "300×300 pixels in mode RGBA needs 360,000 bytes" in found["wide.png"].issues[0]["message"]
    )
    assert found["wide.png"].asset is None
    assert found["small.png"].asset is not None
