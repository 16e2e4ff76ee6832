"""Images are refused before decoding when their decoded pixels would not fit the budget."""

from __future__ import annotations

from functools import cache

import pytest
from PIL import Image
from tests.imaging.builders import blank_png, encode

from customlabels.imaging import analyse_image, decode_upright, make_thumbnail, probe_image
from customlabels.imaging.decode_budget import (
    DEFAULT_MAX_DECODE_BYTES,
    bytes_per_pixel,
    check_decode_budget,
    decode_bytes,
)
from customlabels.imaging.probe import ERROR_INVALID_IMAGE_DIMENSION, InvalidImage, open_image

# Passes Pillow's default pixel guard and ours (178,956,970 pixels), yet needs 708 MB decoded.
BOMB_SIDE = 13_300
MAX_PIXELS = 178_956_970


@cache
def rgba_bomb() -> bytes:
    return blank_png(BOMB_SIDE, BOMB_SIDE, "RGBA")


@pytest.mark.parametrize(
    ("mode", "size"),
    [
        ("1", 1),
        ("L", 1),
        ("I;16", 2),
        ("P", 4),  # becomes RGB or RGBA when used
        ("LA", 4),
        ("RGB", 4),  # Pillow holds RGB in 4 bytes per pixel
        ("RGBA", 4),
        ("CMYK", 4),
        ("I", 4),
        ("F", 4),
        ("some future mode", 8),
    ],
)
def test_bytes_per_pixel_are_what_pillow_holds_in_memory(mode: str, size: int) -> None:
    assert bytes_per_pixel(mode) == size


def test_a_fifty_megapixel_rgb_photo_fits_the_default_budget() -> None:
    assert decode_bytes(8660, 5774, "RGB") <= DEFAULT_MAX_DECODE_BYTES
    assert decode_bytes(BOMB_SIDE, BOMB_SIDE, "RGBA") > DEFAULT_MAX_DECODE_BYTES


def test_the_error_names_the_size_mode_and_both_byte_counts() -> None:
    with open_image(rgba_bomb(), MAX_PIXELS) as im, pytest.raises(InvalidImage) as caught:
        check_decode_budget(im, DEFAULT_MAX_DECODE_BYTES)
    assert caught.value.code == ERROR_INVALID_IMAGE_DIMENSION
    assert caught.value.message == (
        "image of 13300×13300 pixels in mode RGBA needs 707,560,000 bytes to decode, "
        "over the budget of 268,435,456 bytes (max_decode_bytes)"
    )


@pytest.mark.parametrize(
    "decode",
    [
        lambda data, budget: analyse_image(data, 256, MAX_PIXELS, budget),
        lambda data, budget: probe_image(data, MAX_PIXELS, budget),
        lambda data, budget: make_thumbnail(data, 256, MAX_PIXELS, budget),
        lambda data, budget: decode_upright(data, MAX_PIXELS, budget),
    ],
    ids=["analyse", "probe", "thumbnail", "decode_upright"],
)
def test_every_decode_refuses_the_rgba_bomb_that_passes_the_pixel_guard(decode) -> None:
    with pytest.raises(InvalidImage, match="needs 707,560,000 bytes"):
        decode(rgba_bomb(), DEFAULT_MAX_DECODE_BYTES)


def test_a_jpeg_is_measured_at_the_scale_it_is_drafted_to() -> None:
    # A thumbnail decodes a JPEG at 1/8 scale, so a budget the full image would not fit
    # still makes its thumbnail; a full decode of it is refused.
    data = encode(Image.new("RGB", (1600, 1600), (9, 9, 9)), "JPEG")
    budget = 1600 * 1600 * 4 // 2
    assert analyse_image(data, 128, MAX_PIXELS, budget).info.width == 1600
    with pytest.raises(InvalidImage, match="1600×1600 pixels in mode RGB"):
        decode_upright(data, MAX_PIXELS, budget)


def test_an_image_within_the_budget_decodes() -> None:
    data = blank_png(300, 200, "RGBA")
    budget = decode_bytes(300, 200, "RGBA")
    assert decode_upright(data, MAX_PIXELS, budget).size == (300, 200)
    with pytest.raises(InvalidImage):
        decode_upright(data, MAX_PIXELS, budget - 1)
