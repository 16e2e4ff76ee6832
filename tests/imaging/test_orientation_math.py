"""Box and size conversions between the raw and the upright frame, without pixels."""

from __future__ import annotations

import pytest

from customlabels.imaging import raw_to_upright_box, upright_size, upright_to_raw_box

ALL_ORIENTATIONS = range(1, 9)
# Pixel and sub-pixel boxes that fit a 60x40 image in either frame (so within 40x40).
BOXES = [(0, 0, 40, 40), (8, 12, 20, 16), (10.5, 3.25, 20.75, 7.5), (39, 39, 1, 1), (0.0, 0, 0, 0)]


@pytest.mark.parametrize(
    ("orientation", "expected"),
    [(1, (60, 40)), (2, (60, 40)), (3, (60, 40)), (4, (60, 40)),
     (5, (40, 60)), (6, (40, 60)), (7, (40, 60)), (8, (40, 60))],
)  # fmt: skip
def test_orientations_five_to_eight_swap_width_and_height(orientation, expected):
    assert upright_size(60, 40, orientation) == expected


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
@pytest.mark.parametrize("box", BOXES)
def test_raw_to_upright_and_back_returns_the_same_numbers(orientation, box):
    upright = raw_to_upright_box(*box, orientation, 60, 40)
    assert upright_to_raw_box(*upright, orientation, 60, 40) == box


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
@pytest.mark.parametrize("box", BOXES)
def test_upright_to_raw_and_back_returns_the_same_numbers(orientation, box):
    raw = upright_to_raw_box(*box, orientation, 60, 40)
    assert raw_to_upright_box(*raw, orientation, 60, 40) == box


@pytest.mark.parametrize("orientation", ALL_ORIENTATIONS)
def test_converted_box_stays_inside_the_upright_image(orientation):
    left, top, width, height = raw_to_upright_box(8, 12, 32, 16, orientation, 60, 40)
    uw, uh = upright_size(60, 40, orientation)
    assert left >= 0 and top >= 0
    assert left + width <= uw and top + height <= uh


@pytest.mark.parametrize("orientation", [0, 9, -1, 100])
def test_orientations_outside_one_to_eight_are_treated_as_upright(orientation):
    assert upright_size(60, 40, orientation) == (60, 40)
    assert raw_to_upright_box(1, 2, 3, 4, orientation, 60, 40) == (1, 2, 3, 4)
    assert upright_to_raw_box(1, 2, 3, 4, orientation, 60, 40) == (1, 2, 3, 4)


def test_arbitrary_decimal_boxes_round_trip_to_within_a_rounding_error():
    box = (0.1, 0.2, 0.3, 0.7)
    for orientation in ALL_ORIENTATIONS:
        upright = raw_to_upright_box(*box, orientation, 4000, 3000)
        back = upright_to_raw_box(*upright, orientation, 4000, 3000)
        assert back == pytest.approx(box, abs=1e-9)
