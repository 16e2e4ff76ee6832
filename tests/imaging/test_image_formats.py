"""Every accepted format and pixel mode probes, thumbnails and exports correctly."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from customlabels.imaging import (
    analyse_file,
    decode_upright,
    make_thumbnail,
    probe_image,
    upright_image,
)

from .builders import encode, opened

MAX_PIXELS = 10_000_000
SIZE = (300, 200)  # larger than a 256 thumbnail, so thumbnails are scaled down


def grey16_png() -> bytes:
    return encode(Image.new("I;16", SIZE, 40_000), "PNG")


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", SIZE, (0, 255, 255, 0)), "JPEG")  # red in ink


def palette_png_with_transparency() -> bytes:
    im = Image.new("P", SIZE, 0)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.paste(1, (0, 0, 150, 200))  # left half red, right half transparent
    return encode(im, "PNG", transparency=0)


def rgba_png() -> bytes:
    im = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    im.paste((255, 0, 0, 255), (0, 0, 150, 200))
    return encode(im, "PNG")


def grey_jpeg() -> bytes:
    return encode(Image.new("L", SIZE, 90), "JPEG")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", SIZE, colour) for colour in ("red", "lime", "blue")]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)


def animated_webp() -> bytes:
    frames = [Image.new("RGB", SIZE, colour) for colour in ("red", "lime", "blue")]
    return encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=50)


def webp() -> bytes:
    return encode(Image.new("RGB", SIZE, "red"), "WEBP", quality=90)


def bmp() -> bytes:
    return encode(Image.new("RGB", SIZE, "red"), "BMP")


def tiff() -> bytes:
    return encode(Image.new("RGB", SIZE, "red"), "TIFF", compression="tiff_lzw")


# builder, reported format, stored mode, frames, colour of the thumbnail's left half
CASES = [
    (grey16_png, "PNG", "I;16", 1, (156, 156, 156)),  # 40000/65535 of full scale, not clipped
    (cmyk_jpeg, "JPEG", "CMYK", 1, (255, 0, 0)),
    (palette_png_with_transparency, "PNG", "P", 1, (255, 0, 0)),
    (rgba_png, "PNG", "RGBA", 1, (255, 0, 0)),
    (grey_jpeg, "JPEG", "L", 1, (90, 90, 90)),
    (animated_gif, "GIF", "P", 3, (255, 0, 0)),  # the first frame
    (animated_webp, "WEBP", "RGB", 3, (255, 0, 0)),
    (webp, "WEBP", "RGB", 1, (255, 0, 0)),
    (bmp, "BMP", "RGB", 1, (255, 0, 0)),
    (tiff, "TIFF", "RGB", 1, (255, 0, 0)),
]
IDS = [case[0].__name__ for case in CASES]


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


@pytest.mark.parametrize(("build", "fmt", "mode", "frames", "_colour"), CASES, ids=IDS)
def test_probe_describes_each_accepted_format(build, fmt, mode, frames, _colour):
    info = probe_image(build(), MAX_PIXELS)
    assert (info.format, info.mode, info.frames) == (fmt, mode, frames)
    assert (info.width, info.height) == SIZE
    assert info.orientation == 1


@pytest.mark.parametrize(("build", "_fmt", "_mode", "_frames", "colour"), CASES, ids=IDS)
def test_thumbnail_is_a_256_px_jpeg_with_faithful_colours(build, _fmt, _mode, _frames, colour):
    thumb = opened(make_thumbnail(build()))
    assert thumb.format == "JPEG"
    assert thumb.mode == "RGB"
    assert thumb.size == (256, 171)
    assert close(thumb.getpixel((40, 85)), colour)


@pytest.mark.parametrize(
    "build", [palette_png_with_transparency, rgba_png], ids=["palette", "rgba"]
)
def test_transparent_areas_become_white_in_thumbnails(build):
    thumb = opened(make_thumbnail(build()))
    assert close(thumb.getpixel((220, 85)), (255, 255, 255))


def test_small_images_keep_their_own_size_in_thumbnails():
    thumb = opened(make_thumbnail(encode(Image.new("RGB", (40, 30), "red"), "PNG")))
    assert thumb.size == (40, 30)


def test_thumbnail_long_side_follows_the_requested_size_for_portrait_images():
    thumb = opened(make_thumbnail(encode(Image.new("RGB", (200, 300), "red"), "JPEG"), 100))
    assert thumb.size == (67, 100)


def test_png_named_jpg_is_accepted_by_its_content(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(rgba_png())
    analysed, _ = analyse_file(str(path), 256, MAX_PIXELS, 1_000_000)
    assert analysed.info.format == "PNG"


def test_upright_png_export_is_the_original_bytes():
    data = rgba_png()
    assert upright_image(data, MAX_PIXELS) == (data, ".png")


@pytest.mark.parametrize("build", [animated_webp, webp, bmp, tiff, animated_gif])
def test_other_formats_export_as_png(build):
    exported, extension = upright_image(build(), MAX_PIXELS)
    assert extension == ".png"
    im = opened(exported)
    assert im.format == "PNG"
    assert im.size == SIZE
    assert close(im.convert("RGB").getpixel((10, 10)), (255, 0, 0))


def test_webp_export_keeps_alpha():
    im = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    im.paste((255, 0, 0, 255), (0, 0, 150, 200))
    exported, _ = upright_image(encode(im, "WEBP", lossless=True), MAX_PIXELS)
    out = opened(exported)
    assert out.mode == "RGBA"
    assert out.getpixel((250, 10))[3] == 0


def test_sixteen_bit_png_export_keeps_sixteen_bits():
    data = encode(Image.new("I;16", SIZE, 40_000), "TIFF")
    exported, extension = upright_image(data, MAX_PIXELS)
    assert extension == ".png"
    assert int(np.asarray(opened(exported)).max()) == 40_000


def test_decode_upright_returns_rgb_for_every_mode():
    for build, *_ in CASES:
        im = decode_upright(build(), MAX_PIXELS)
        assert im.mode == "RGB"
        assert im.size == SIZE


def test_decoded_image_outlives_its_source_bytes():
    im = decode_upright(encode(Image.new("RGB", SIZE, "red"), "PNG"), MAX_PIXELS)
    buffer = io.BytesIO()
    im.save(buffer, "PNG")  # would fail if the pixels still lived in a closed file
    assert im.getpixel((0, 0)) == (255, 0, 0)
