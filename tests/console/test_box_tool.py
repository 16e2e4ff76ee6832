"""Screen 6: the image view shows photos upright whatever their EXIF orientation, and the box
tool draws, moves, resizes and deletes boxes in upright pixels, saved without a save button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.console.conftest import Server
from tests.console.helpers import MARKER, drag, rotated_jpeg, to_screen, upload, wait_until

PIXEL_AT = """([selector, fx, fy]) => {
  const img = document.querySelector(selector);
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const x = Math.floor(fx * c.width), y = Math.floor(fy * c.height);
  return [c.width, c.height, ...g.getImageData(x, y, 1, 1).data];
}"""

STAGE_PIXEL = """([x, y]) => {
  const canvas = document.querySelector('[data-testid=stage] canvas');
  const r = devicePixelRatio;
  return [...canvas.getContext('2d').getImageData(x * r, y * r, 1, 1).data];
}"""


def is_red(rgba: list[int]) -> bool:
    return rgba[0] > 170 and rgba[1] < 80 and rgba[2] < 80


def boxes(server: Server, entry_id: int) -> list[dict]:
    return server.api.get(f"/projects/rot/datasets/train/entries/{entry_id}").json()["boxes"]


def test_every_orientation_shows_upright_in_gallery_and_editor(
    page: Page, server: Server, shoot
) -> None:
    server.api.post("/projects", json={"name": "rot"}).raise_for_status()
    upload(server.api, "rot", {f"o{n}.jpg": rotated_jpeg(n) for n in range(1, 9)})
    page.goto("/projects/rot/datasets/train?show_boxes=0")
    left, top, width, height = MARKER
    fx, fy = (left + width / 2) / 320, (top + height / 2) / 200
    for entry in server.api.get("/projects/rot/datasets/train/entries").json()["items"]:
        assert (entry["asset"]["width"], entry["asset"]["height"]) == (320, 200)
        img = f".tile[data-entry-id='{entry['id']}'] img"
        page.wait_for_function(f'document.querySelector("{img}")?.complete')
        w, h, *rgba = page.evaluate(PIXEL_AT, [img, fx, fy])
        assert w > h, f"{entry['source_ref']}: thumbnail {w}x{h} is not upright"
        assert is_red(rgba), f"{entry['source_ref']}: marker not where the upright photo has it"
        assert not is_red(page.evaluate(PIXEL_AT, [img, 1 - fx, 1 - fy])[2:])
    shoot(page, "6-orientations-gallery")
    for entry in server.api.get("/projects/rot/datasets/train/entries").json()["items"]:
        page.goto(f"/projects/rot/datasets/train?entry={entry['id']}")
        expect(page.locator(".save.saved")).to_be_visible()
        page.wait_for_timeout(150)  # the photo decodes, then Konva draws it
        stage = page.get_by_test_id("stage").bounding_box()
        assert stage is not None
        x, y = to_screen(page, left + width / 2, top + height / 2)
        rgba = page.evaluate(STAGE_PIXEL, [x - stage["x"], y - stage["y"]])
        assert is_red(rgba), f"{entry['source_ref']}: editor shows {rgba} where the marker is"
    shoot(page, "6-orientation-editor")


@pytest.mark.parametrize("orientation", [6])
def test_draw_move_resize_delete_a_box_on_a_rotated_photo(
    page: Page, server: Server, shoot, orientation: int
) -> None:
    server.api.post("/projects", json={"name": "rot"}).raise_for_status()
    server.api.post("/projects/rot/labels", json={"name": "marker"}).raise_for_status()
    upload(server.api, "rot", {"sideways.jpg": rotated_jpeg(orientation)})
    entry_id = server.api.get("/projects/rot/datasets/train/entries").json()["items"][0]["id"]
    page.goto(f"/projects/rot/datasets/train?entry={entry_id}")
    expect(page.locator(".editor")).to_contain_text(
        f"EXIF orientation {orientation}, shown upright"
    )
    expect(page.locator(".save.saved")).to_be_visible()

    left, top, width, height = MARKER  # draw exactly over the red block of the upright photo
    drag(page, to_screen(page, left, top), to_screen(page, left + width, top + height))
    expect(page.locator(".editor-side")).to_contain_text("Boxes (1)")
    [box] = wait_until(lambda: boxes(server, entry_id), lambda b: len(b) == 1)
    assert box["label"] == "marker"
    for key, want in (("left", left), ("top", top), ("width", width), ("height", height)):
        assert abs(box[key] - want) <= 0.6, (key, box)
    shoot(page, "6-box-drawn")

    drag(page, to_screen(page, 50, 50), to_screen(page, 80, 70))  # move by (+30, +20)
    moved = wait_until(lambda: boxes(server, entry_id), lambda b: b and b[0]["left"] > left + 20)[0]
    assert abs(moved["left"] - (left + 30)) <= 0.6 and abs(moved["top"] - (top + 20)) <= 0.6
    assert abs(moved["width"] - width) <= 0.01 and abs(moved["height"] - height) <= 0.01

    corner = to_screen(page, moved["left"] + width, moved["top"] + height)  # bottom-right handle
    drag(page, corner, (corner[0] + 40 * float(_scale(page)), corner[1] + 10 * float(_scale(page))))
    resized = wait_until(
        lambda: boxes(server, entry_id), lambda b: b and b[0]["width"] > width + 20
    )[0]
    assert abs(resized["width"] - (width + 40)) <= 1 and abs(resized["height"] - (height + 10)) <= 1
    assert abs(resized["left"] - moved["left"]) <= 0.01

    page.keyboard.press("Delete")
    wait_until(lambda: boxes(server, entry_id), lambda b: b == [])
    page.keyboard.press("Control+z")  # undo brings the box back, and saves it
    wait_until(lambda: boxes(server, entry_id), lambda b: len(b) == 1)


def _scale(page: Page) -> str:
    return page.get_by_test_id("stage").get_attribute("data-scale") or "1"


def test_a_box_started_outside_the_photo_is_refused_with_a_message(
    page: Page, server: Server
) -> None:
    server.api.post("/projects", json={"name": "rot"}).raise_for_status()
    server.api.post("/projects/rot/labels", json={"name": "marker"}).raise_for_status()
    upload(server.api, "rot", {"sideways.jpg": rotated_jpeg(8)})
    entry_id = server.api.get("/projects/rot/datasets/train/entries").json()["items"][0]["id"]
    page.goto(f"/projects/rot/datasets/train?entry={entry_id}")
    expect(page.locator(".save.saved")).to_be_visible()
    x, y = to_screen(page, 100, -10)  # just above the photo
    drag(page, (x, y), (x + 80, y + 120))
    expect(page.get_by_role("alert")).to_contain_text("Start a box on the image")
    assert boxes(server, entry_id) == []
