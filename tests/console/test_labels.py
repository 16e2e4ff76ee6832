"""Screen 4: the labels pane renames inline, merges and deletes after showing what changes."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from tests.console.conftest import Server

GALLERY = "/projects/shoes/datasets/train"


def labels(server: Server) -> dict[str, int]:
    rows = server.api.get("/projects/shoes/datasets/train/labels").json()
    return {x["name"]: x["entry_count"] for x in rows}


def test_rename_inline_then_merge_shows_the_count_and_moves_every_use(
    page: Page, server: Server, shoes: Path, shoot
) -> None:
    server.folder_dataset("shoes", shoes)
    page.goto(GALLERY)
    page.locator("[data-label=canvasshoes] .name").dblclick()
    field = page.get_by_label("New name for canvasshoes")
    field.fill("canvas")
    field.press("Enter")
    expect(page.locator("[data-label=canvas] [data-count=images]")).to_have_text("25")
    assert labels(server) == {"canvas": 25, "chunkysneakers": 25}
    page.get_by_label("More actions for chunkysneakers").click()
    page.get_by_role("button", name="Merge into…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("usage")).to_contain_text("25 image-level labels and 0 boxes")
    shoot(page, "4-merge-dialog")
    dialog.get_by_role("button", name="Merge into “canvas”").click()
    expect(page.locator("[data-label=canvas] [data-count=images]")).to_have_text("50")
    expect(page.locator("[data-label=chunkysneakers]")).to_have_count(0)
    assert labels(server) == {"canvas": 50}
    shoot(page, "4-labels-merged")


def test_delete_shows_what_it_removes_and_recolour_sticks(
    page: Page, server: Server, shoes: Path
) -> None:
    server.folder_dataset("shoes", shoes)
    page.goto(GALLERY)
    page.get_by_label("Colour of chunkysneakers").fill("#123456")
    expect(page.locator("[data-filter-label=chunkysneakers] .swatch")).to_have_css(
        "background-color", "rgb(18, 52, 86)"
    )
    page.get_by_label("More actions for canvasshoes").click()
    page.get_by_role("button", name="Delete…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("usage")).to_contain_text("25 image-level labels and 0 boxes")
    dialog.get_by_role("button", name="Delete label").click()
    expect(page.locator("[data-label=canvasshoes]")).to_have_count(0)
    expect(page.get_by_label("Unlabelled")).to_be_visible()
    page.get_by_label("Unlabelled").check()
    expect(page.get_by_test_id("matching")).to_have_text("25 images")
    colours = {x["name"]: x["color"] for x in server.api.get("/projects/shoes/labels").json()}
    assert colours == {"chunkysneakers": "#123456"}
