"""Screen 6: zoom and pan, copying the previous image's boxes, hiding boxes, relabelling a box
with the number keys, and picking the right box where boxes overlap."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.console.conftest import Server
from tests.console.helpers import rotated_jpeg, to_screen, upload, wait_until

GALLERY = "/projects/view/datasets/train"


def entry_url(entry_id: int) -> str:
    return f"{GALLERY}?entry={entry_id}"


def stage_view(page: Page) -> tuple[float, float, float]:
    """The editor's scale and offset (screen px of the image's top-left corner in the stage)."""
    stage = page.get_by_test_id("stage")
    scale, x, y = (stage.get_attribute(f"data-{a}") for a in ("scale", "offset-x", "offset-y"))
    return float(scale or 1), float(x or 0), float(y or 0)


def boxes_of(server: Server, entry_id: int) -> list[dict[str, Any]]:
    return server.api.get(f"/projects/view/datasets/train/entries/{entry_id}").json()["boxes"]


def set_boxes(
    server: Server, entry_id: int, boxes: list[tuple[str, float, float, float, float]]
) -> None:
    entry = server.api.get(f"/projects/view/datasets/train/entries/{entry_id}").json()
    body = [dict(zip(("label", "left", "top", "width", "height"), b, strict=True)) for b in boxes]
    server.api.patch(
        f"/projects/view/datasets/train/entries/{entry_id}",
        json={"version": entry["version"], "boxes": body},
    ).raise_for_status()


@pytest.fixture
def ids(server: Server) -> list[int]:
    """Project "view" with labels a and b and three 320x200 photos, in upload order."""
    server.api.post("/projects", json={"name": "view"}).raise_for_status()
    for name in ("a", "b"):
        server.api.post("/projects/view/labels", json={"name": name}).raise_for_status()
    for n in (1, 2, 3):
        upload(server.api, "view", {f"img{n}.jpg": rotated_jpeg(n)})
    entries = server.api.get("/projects/view/datasets/train/entries").json()["items"]
    return [e["id"] for e in entries]


def open_entry(page: Page, entry_id: int) -> None:
    page.goto(entry_url(entry_id))
    expect(page.locator(f".editor[data-entry-id='{entry_id}'] .save.saved")).to_be_visible()


def test_zoom_with_keys_and_wheel_and_pan_with_a_right_drag(
    page: Page, server: Server, ids: list[int]
) -> None:
    open_entry(page, ids[0])
    # The stage learns its fitted scale once the image has loaded: wait for the two to agree.
    stage = page.get_by_test_id("stage")
    zoom = page.get_by_test_id("zoom-level")
    fit_scale, _ = wait_until(
        lambda: (float(stage.get_attribute("data-scale") or "nan"), zoom.inner_text()),
        lambda seen: seen[1] == f"{round(seen[0] * 100)}%" if seen[0] == seen[0] else False,
    )
    page.keyboard.press("+")
    assert stage_view(page)[0] == pytest.approx(fit_scale * 1.25)
    page.keyboard.press("-")
    assert stage_view(page)[0] == pytest.approx(fit_scale)

    # The wheel zooms about the pointer: the pixel under it stays under it.
    point = to_screen(page, 100, 80)
    page.mouse.move(*point)
    page.mouse.wheel(0, -100)
    wait_until(lambda: stage_view(page)[0], lambda s: s == pytest.approx(fit_scale * 1.15))
    assert to_screen(page, 100, 80) == pytest.approx(point, abs=0.5)

    _, x0, y0 = stage_view(page)
    page.mouse.down(button="right")
    page.mouse.move(point[0] + 60, point[1] + 30, steps=4)
    page.mouse.up(button="right")
    _, x1, y1 = stage_view(page)
    assert (x1 - x0, y1 - y0) == pytest.approx((60, 30), abs=0.5)
    assert boxes_of(server, ids[0]) == []  # panning draws nothing

    page.keyboard.press("0")
    assert stage_view(page)[0] == pytest.approx(fit_scale)


def test_copying_the_previous_images_boxes_saves_them_on_this_one(
    page: Page, server: Server, ids: list[int]
) -> None:
    set_boxes(server, ids[0], [("a", 10, 10, 50, 40), ("b", 100, 60, 80, 70)])
    open_entry(page, ids[1])
    expect(page.locator(".editor-bar")).to_contain_text("2 of 3")
    page.get_by_role("button", name="Copy previous image's boxes (P)").click()
    expect(page.get_by_role("status").first).to_contain_text("Copied 2 boxes")
    expect(page.locator(".editor-side")).to_contain_text("Boxes (2)")
    copied = wait_until(lambda: boxes_of(server, ids[1]), lambda b: len(b) == 2)
    assert sorted((b["label"], b["left"], b["width"]) for b in copied) == [
        ("a", 10, 50),
        ("b", 100, 80),
    ]
    page.keyboard.press("Control+z")  # one undo step takes the copy back
    wait_until(lambda: boxes_of(server, ids[1]), lambda b: b == [])


def test_hidden_boxes_are_not_drawn_nor_picked_until_shown_again(
    page: Page, server: Server, ids: list[int]
) -> None:
    set_boxes(server, ids[0], [("a", 40, 40, 100, 80)])
    open_entry(page, ids[0])
    stage = page.get_by_test_id("stage")
    # Whether the boxes' layer (the one after the photo's) is drawn.
    visible = "() => window.Konva.stages[0].getLayers().slice(1).map((l) => l.isVisible())"
    assert page.evaluate(visible)[0] is True
    page.keyboard.press("h")
    expect(page.get_by_test_id("boxes-hidden")).to_be_visible()
    expect(page.get_by_role("button", name="Show boxes (H)")).to_be_visible()
    assert page.evaluate(visible)[0] is False
    page.mouse.click(*to_screen(page, 90, 80))
    expect(stage).to_have_attribute("data-selected", "")
    page.get_by_role("button", name="Show boxes (H)").click()
    expect(page.get_by_test_id("boxes-hidden")).to_have_count(0)
    assert page.evaluate(visible)[0] is True
    page.mouse.click(*to_screen(page, 90, 80))
    expect(stage).not_to_have_attribute("data-selected", "")
    assert boxes_of(server, ids[0])[0]["left"] == 40  # a click selects, it does not move


def test_number_keys_relabel_the_selected_box_not_the_image(
    page: Page, server: Server, ids: list[int], shoot
) -> None:
    set_boxes(server, ids[0], [("a", 40, 40, 100, 80)])
    open_entry(page, ids[0])
    page.mouse.click(*to_screen(page, 90, 80))
    selected = page.get_by_test_id("selected-box")
    expect(selected.get_by_label("Label of the selected box")).to_have_value("a")
    page.keyboard.press("2")
    wait_until(lambda: boxes_of(server, ids[0]), lambda b: b[0]["label"] == "b")
    expect(selected.get_by_label("Label of the selected box")).to_have_value("b")
    entry = server.api.get(f"/projects/view/datasets/train/entries/{ids[0]}").json()
    assert entry["labels"] == []  # with a box selected, 2 is the box's label
    shoot(page, "6-box-selected")
    selected.get_by_label("Label of the selected box").select_option("a")
    wait_until(lambda: boxes_of(server, ids[0]), lambda b: b[0]["label"] == "a")
    page.keyboard.press("Escape")  # deselect: now 2 toggles the image's label
    page.keyboard.press("2")
    wait_until(
        lambda: server.api.get(f"/projects/view/datasets/train/entries/{ids[0]}").json()["labels"],
        lambda labels: labels == ["b"],
    )
    assert boxes_of(server, ids[0])[0]["label"] == "a"


def test_a_press_picks_the_smallest_box_under_it(
    page: Page, server: Server, ids: list[int]
) -> None:
    set_boxes(server, ids[2], [("b", 60, 60, 30, 30), ("a", 20, 20, 200, 150)])
    open_entry(page, ids[2])
    label = page.get_by_label("Label of the selected box")
    page.mouse.click(*to_screen(page, 75, 75))  # inside both: the small one
    expect(label).to_have_value("b")
    page.mouse.click(*to_screen(page, 180, 150))  # inside the big one only
    expect(label).to_have_value("a")
    expect(page.locator(".box-row.selected")).to_contain_text("a")
