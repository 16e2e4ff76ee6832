"""Images sent for detection are checked first, with the hosted service's error names."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from tests.imaging.builders import blank_png
from tests.models.helpers import picture

from customlabels.config import Settings
from customlabels.errors import ImageTooLarge, InvalidImageFormat
from customlabels.services.models.detection_images import image_for_detection


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path)


def test_a_good_picture_is_decoded_upright_in_rgb(settings):
    im = image_for_detection(picture("red", 1), settings)
    assert (im.mode, im.size) == ("RGB", (64, 64))


def test_bytes_that_are_no_image_are_an_invalid_image_format(settings):
    with pytest.raises(InvalidImageFormat):
        image_for_detection(b"%PDF-1.4 not a picture", settings)


def test_a_truncated_jpeg_is_an_invalid_image_format(settings):
    data = picture("blue", 2)
    with pytest.raises(InvalidImageFormat, match="truncated|corrupt"):
        image_for_detection(data[: len(data) // 2], settings)


def test_a_one_pixel_image_is_an_invalid_image_format(settings):
    with pytest.raises(InvalidImageFormat, match="1×1"):
        image_for_detection(_png(1, 1), settings)


def test_a_twenty_thousand_pixel_wide_image_is_too_large(settings):
    with pytest.raises(ImageTooLarge, match="20000"):
        image_for_detection(_png(20_000, 40), settings)


def test_a_decompression_bomb_is_too_large_and_never_decoded(settings):
    settings.max_image_pixels = 1_000_000
    with pytest.raises(ImageTooLarge, match="decompression bomb"):
        image_for_detection(_png(4000, 4000), settings)


def test_a_file_over_the_byte_limit_is_too_large(settings):
    settings.detect_max_image_bytes = 100
    with pytest.raises(ImageTooLarge, match="bytes"):
        image_for_detection(picture("red", 3), settings)


def test_the_thirteen_thousand_pixel_rgba_png_is_too_large_for_detection(settings):
    # 0.7 MB that would decode to 708 MB: its sides are over detect_max_image_side.
    with pytest.raises(ImageTooLarge, match="13300×13300"):
        image_for_detection(blank_png(13_300, 13_300, "RGBA"), settings)


def test_an_image_over_the_decode_budget_is_too_large_and_never_decoded(settings):
    settings.max_decode_bytes = 1_000_000
    with pytest.raises(ImageTooLarge, match="needs 4,000,000 bytes to decode, over the budget"):
        image_for_detection(blank_png(1000, 1000, "RGBA"), settings)
