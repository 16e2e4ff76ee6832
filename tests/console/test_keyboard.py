"""Screens 5, 6 and 8: the labelling loop with the keyboard alone, and the help on `?`."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from tests.console.conftest import Server, copy_images
from tests.console.helpers import wait_until


def test_ten_images_labelled_with_the_keyboard_alone(
    page: Page, server: Server, shoes: Path, tmp_path: Path, shoot
) -> None:
    server.folder_dataset("loop", copy_images(shoes, tmp_path / "flat", 12), folder_labels=False)
    for name in ("boot", "sneaker"):
        server.api.post("/projects/loop/labels", json={"name": name}).raise_for_status()
    page.goto("/projects/loop/datasets/train?labeled=no")
    expect(page.get_by_test_id("matching")).to_have_text("12 images")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    shoot(page, "8-keyboard-help")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.keyboard.press("ArrowRight")  # focus the first image
    page.keyboard.press("Enter")  # open it
    # Number keys need the labels loaded.
    expect(page.locator(".label-toggles .toggle")).to_have_count(2)
    for i in range(10):
        expect(page.locator(".editor-bar")).to_contain_text(f"{i + 1} of 12")
        page.keyboard.press("2" if i % 2 else "1")
        expect(page.locator(".toggle.on")).to_have_count(1)
        page.keyboard.press("ArrowRight")
    expect(page.locator(".editor-bar")).to_contain_text("11 of 12")
    shoot(page, "6-keyboard-loop")
    page.keyboard.press("Escape")
    expect(page.locator(".editor")).to_have_count(0)

    def labelled() -> dict[str, int]:
        rows = server.api.get("/projects/loop/datasets/train/labels").json()
        return {x["name"]: x["entry_count"] for x in rows}

    wait_until(labelled, lambda c: c == {"boot": 5, "sneaker": 5})
    entries = server.entries("loop")
    assert [len(e["labels"]) for e in entries] == [1] * 10 + [0, 0]


def test_gallery_keys_label_the_focused_image_and_extend_with_shift(
    page: Page, server: Server, shoes: Path, tmp_path: Path
) -> None:
    server.folder_dataset("loop", copy_images(shoes, tmp_path / "flat", 6), folder_labels=False)
    server.api.post("/projects/loop/labels", json={"name": "boot"}).raise_for_status()
    page.goto("/projects/loop/datasets/train")
    expect(page.locator(".tile")).to_have_count(6)
    expect(page.locator("[data-label=boot]")).to_be_visible()  # key 1 needs the labels loaded
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.get_by_test_id("selection")).to_contain_text("3 selected")
    page.keyboard.press("1")
    expect(page.locator("[data-label=boot] [data-count=images]")).to_have_text("3")
    page.keyboard.press("1")  # every selected image has it: the key takes it off again
    expect(page.locator("[data-label=boot] [data-count=images]")).to_have_text("0")
