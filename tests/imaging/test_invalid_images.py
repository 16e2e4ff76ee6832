"""Bytes that are not usable images are refused with the service's codes and clear messages."""

from __future__ import annotations

import pickle

import pytest
from PIL import Image

from customlabels.imaging import (
    ERROR_INVALID_IMAGE,
    ERROR_INVALID_IMAGE_DIMENSION,
    InvalidImage,
    analyse_file,
    analyse_image,
    make_thumbnail,
    probe_image,
)

from .builders import encode

MAX_PIXELS = 10_000_000


def photo_jpeg() -> bytes:
    return encode(Image.effect_noise((320, 240), 60).convert("RGB"), "JPEG", quality=90)


def refused(data: bytes, max_pixels: int = MAX_PIXELS) -> InvalidImage:
    with pytest.raises(InvalidImage) as caught:
        probe_image(data, max_pixels)
    return caught.value


def test_zero_bytes_are_refused_as_an_empty_file():
    error = refused(b"")
    assert error.code == ERROR_INVALID_IMAGE
    assert "empty" in str(error)


def test_text_file_named_jpg_is_refused_as_not_an_image(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("just some text, not a picture\n")
    with pytest.raises(InvalidImage, match="not an image") as caught:
        analyse_file(str(path), 256, MAX_PIXELS, 1_000_000)
    assert caught.value.code == ERROR_INVALID_IMAGE


def test_truncated_jpeg_is_refused_although_its_header_is_fine():
    data = photo_jpeg()
    error = refused(data[: len(data) // 2])
    assert error.code == ERROR_INVALID_IMAGE
    assert "truncated" in str(error)


def test_truncated_jpeg_fails_the_import_analysis_too():
    data = photo_jpeg()
    with pytest.raises(InvalidImage, match="truncated"):
        analyse_image(data[:-200], 256, MAX_PIXELS)


def test_jpeg_with_garbage_after_its_signature_is_refused_as_corrupt():
    error = refused(b"\xff\xd8\xff" + bytes(range(256)) * 2)
    assert error.code == ERROR_INVALID_IMAGE
    assert "corrupt" in str(error)


def test_png_with_damaged_pixel_data_is_refused_as_corrupt():
    data = bytearray(encode(Image.effect_noise((64, 64), 60).convert("RGB"), "PNG"))
    start = data.find(b"IDAT") + 100
    data[start : start + 50] = bytes(b ^ 0x5A for b in data[start : start + 50])
    error = refused(bytes(data))
    assert error.code == ERROR_INVALID_IMAGE
    assert "corrupt" in str(error)


def test_small_png_with_huge_dimensions_is_refused_as_a_decompression_bomb():
    bomb = encode(Image.new("1", (20_000, 20_000)), "PNG")
    assert len(bomb) < 100_000
    error = refused(bomb, max_pixels=100_000_000)
    assert error.code == ERROR_INVALID_IMAGE_DIMENSION
    assert "20000×20000" in str(error)
    assert "exceeds the limit of 100,000,000" in str(error)


def test_image_over_the_callers_pixel_limit_is_refused_before_decoding():
    data = encode(Image.new("RGB", (100, 50)), "PNG")
    error = refused(data, max_pixels=4_999)
    assert error.code == ERROR_INVALID_IMAGE_DIMENSION
    assert "100×50" in str(error) and "4,999" in str(error)
    assert probe_image(data, max_pixels=5_000).width == 100


def test_pixel_limit_is_the_callers_even_above_pillows_global_limit(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    data = encode(Image.new("L", (100, 100)), "PNG")
    assert probe_image(data, max_pixels=10_000).width == 100


@pytest.mark.parametrize(("fmt", "name"), [("ICO", "ICO"), ("TGA", "TGA"), ("PPM", "PPM")])
def test_images_in_other_formats_are_refused_naming_the_format(fmt, name):
    error = refused(encode(Image.new("RGB", (32, 32)), fmt))
    assert error.code == ERROR_INVALID_IMAGE
    assert f"unsupported format {name}" in str(error)


def test_pdf_is_refused_as_an_unsupported_format():
    error = refused(encode(Image.new("RGB", (32, 32)), "PDF"))
    assert "unsupported format PDF" in str(error)


def test_file_over_the_byte_limit_is_refused_naming_size_and_limit(tmp_path):
    path = tmp_path / "big.jpg"
    path.write_bytes(photo_jpeg())
    size = path.stat().st_size
    with pytest.raises(InvalidImage) as caught:
        analyse_file(str(path), 256, MAX_PIXELS, max_bytes=size - 1)
    assert caught.value.code == ERROR_INVALID_IMAGE
    assert f"{size:,} bytes" in str(caught.value)
    assert f"{size - 1:,} bytes" in str(caught.value)


def test_file_of_exactly_the_byte_limit_is_accepted(tmp_path):
    path = tmp_path / "ok.jpg"
    path.write_bytes(photo_jpeg())
    analysed, data = analyse_file(str(path), 256, MAX_PIXELS, max_bytes=path.stat().st_size)
    assert data == path.read_bytes()
    assert analysed.byte_size == len(data)


def test_thumbnail_of_invalid_bytes_raises_invalid_image():
    with pytest.raises(InvalidImage):
        make_thumbnail(b"GIF89a broken")


def test_invalid_image_keeps_its_code_across_process_boundaries():
    error = pickle.loads(pickle.dumps(InvalidImage("too big", ERROR_INVALID_IMAGE_DIMENSION)))
    assert isinstance(error, InvalidImage)
    assert error.code == ERROR_INVALID_IMAGE_DIMENSION
    assert str(error) == "too big"
