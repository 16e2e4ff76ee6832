"""All 8 EXIF orientations: sizes, thumbnails, boxes and exports agree with exif_transpose.

Each test builds a JPEG whose raw pixels carry a red marker near the top-left corner and
checks our results against Pillow's own ``ImageOps.exif_transpose`` of the same file, by
pixel colours: the expected positions are never computed with the formula under test.
"""

from __future__ import annotations

import pytest
from PIL import ImageOps

from customlabels.imaging import (
    decode_upright,
    make_thumbnail,
    probe_image,
    raw_to_upright_box,
    upright_image,
    upright_to_raw_box,
)

from .builders import MARKER, RAW_SIZE, is_grey, is_red, marked_jpeg, opened, red_box

MAX_PIXELS = 10_000_000
ALL_ORIENTATIONS = range(1, 9)


def transposed(data: bytes):
    return ImageOps.exif_transpose(opened(data))


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
def test_probe_reports_raw_size_and_upright_size(orientation):
    data = marked_jpeg(orientation)
    info = probe_image(data, MAX_PIXELS)
    assert (info.raw_width, info.raw_height) == RAW_SIZE
    assert (info.width, info.height) == transposed(data).size
    assert info.orientation == orientation
    assert info.format == "JPEG"


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
def test_raw_marker_box_maps_onto_the_marker_in_the_transposed_image(orientation):
    data = marked_jpeg(orientation)
    assert red_box(opened(data)) == MARKER  # the fixture really draws where we think
    box = raw_to_upright_box(*MARKER, orientation, *RAW_SIZE)
    assert box == red_box(transposed(data))


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
def test_upright_marker_box_maps_back_onto_the_raw_marker(orientation):
    upright = red_box(transposed(marked_jpeg(orientation)))
    assert upright_to_raw_box(*upright, orientation, *RAW_SIZE) == MARKER


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
def test_thumbnail_is_upright_with_the_marker_in_its_corner(orientation):
    data = marked_jpeg(orientation)
    expected = transposed(data)
    thumb = opened(make_thumbnail(data, size=60))
    assert thumb.format == "JPEG"
    assert thumb.size == (expected.width // 2, expected.height // 2)
    left, top, width, height = red_box(expected)
    centre = ((left + width / 2) / 2, (top + height / 2) / 2)
    assert is_red(thumb.getpixel(centre))
    # The mirror-image spot across the thumbnail is background, so it is not just "red
    # somewhere": the marker sits in the corner exif_transpose puts it in.
    opposite = (thumb.width - 1 - centre[0], thumb.height - 1 - centre[1])
    assert is_grey(thumb.getpixel(opposite))


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
def test_thumbnail_carries_no_orientation_tag(orientation):
    thumb = opened(make_thumbnail(marked_jpeg(orientation)))
    assert 0x0112 not in thumb.getexif()


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
def test_upright_export_has_the_marker_in_place_and_no_orientation_tag(orientation):
    data = marked_jpeg(orientation)
    exported, extension = upright_image(data, MAX_PIXELS)
    assert extension == ".jpg"
    im = opened(exported)
    expected = transposed(data)
    assert im.size == expected.size
    assert red_box(im) == red_box(expected)
    if orientation == 1:
        assert exported == data  # nothing to turn: the original bytes, unchanged
    else:
        assert 0x0112 not in im.getexif()


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
def test_decode_upright_gives_rgb_pixels_matching_exif_transpose(orientation):
    data = marked_jpeg(orientation)
    im = decode_upright(data, MAX_PIXELS)
    assert im.mode == "RGB"
    assert red_box(im) == red_box(transposed(data))
