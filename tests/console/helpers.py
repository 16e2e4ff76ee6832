"""Small helpers of the console tests: waiting on the API, rotated photos, stage coordinates."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PIL import Image
from playwright.sync_api import Page

T = TypeVar("T")

UPRIGHT_SIZE = (320, 200)
MARKER = (20, 30, 60, 40)  # left, top, width, height of the red block in the upright frame
# The transpose that turns a photo stored with EXIF orientation N into its upright view
# (what a camera means by N); each is its own inverse except 6 and 8.
TO_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
FROM_UPRIGHT = {**TO_UPRIGHT, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def rotated_jpeg(orientation: int) -> bytes:
    """A JPEG stored sideways/flipped with EXIF ``orientation``; upright it is 320x200, grey,
    with a red block at ``MARKER``."""
    upright = Image.new("RGB", UPRIGHT_SIZE, (128, 128, 128))
    left, top, width, height = MARKER
    upright.paste((220, 20, 20), (left, top, left + width, top + height))
    raw = upright.transpose(FROM_UPRIGHT[orientation]) if orientation != 1 else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    raw.save(out, "JPEG", quality=95, subsampling=0, exif=exif)
    return out.getvalue()


def wait_until(read: Callable[[], T], ok: Callable[[T], bool], timeout: float = 10) -> T:
    """Poll ``read`` until ``ok`` holds (the console saves in the background)."""
    deadline = time.monotonic() + timeout
    value = read()
    while not ok(value):
        assert time.monotonic() < deadline, f"still {value!r} after {timeout} s"
        time.sleep(0.05)
        value = read()
    return value


def to_screen(page: Page, x: float, y: float) -> tuple[float, float]:
    """Page coordinates of upright image pixel (x, y) in the box tool."""
    stage = page.get_by_test_id("stage")
    box = stage.bounding_box()
    assert box is not None
    scale = float(stage.get_attribute("data-scale") or 1)
    ox = float(stage.get_attribute("data-offset-x") or 0)
    oy = float(stage.get_attribute("data-offset-y") or 0)
    return box["x"] + ox + x * scale, box["y"] + oy + y * scale


def drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=4)
    page.mouse.move(*end, steps=4)
    page.mouse.up()


def upload(api: Any, project: str, files: dict[str, bytes]) -> None:
    """Upload images through the API (the same endpoint the console's uploader uses)."""
    response = api.post(
        f"/projects/{project}/datasets/train/uploads",
        files=[("files", (name, data, "image/jpeg")) for name, data in files.items()],
        data={"paths": list(files)},
    )
    response.raise_for_status()
