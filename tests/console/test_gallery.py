"""Screens 3 and 5: the gallery's filters live in the URL; selection and bulk labelling."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from tests.console.conftest import Server

GALLERY = "/projects/shoes/datasets/train"


def label_count(server: Server, name: str) -> int:
    labels = server.api.get("/projects/shoes/datasets/train/labels").json()
    return next((x["entry_count"] for x in labels if x["name"] == name), 0)


def test_a_filter_survives_a_reload(page: Page, server: Server, shoes: Path, shoot) -> None:
    server.folder_dataset("shoes", shoes)
    page.goto(GALLERY)
    expect(page.get_by_test_id("matching")).to_have_text("50 images")
    expect(page.locator(".tile img").first).to_be_visible()
    shoot(page, "3-gallery")
    page.locator("[data-filter-label=canvasshoes] input").check()
    expect(page.get_by_test_id("matching")).to_have_text("25 images")
    page.get_by_label("Sort").select_option("desc")
    expect(page).to_have_url(f"{server.url}{GALLERY}?label=canvasshoes&order=desc")
    first_id = page.locator(".tile").first.get_attribute("data-entry-id")
    page.reload()
    expect(page.get_by_test_id("matching")).to_have_text("25 images")
    expect(page.locator("[data-filter-label=canvasshoes] input")).to_be_checked()
    expect(page.locator(".tile").first).to_have_attribute("data-entry-id", first_id or "")
    tiles = page.locator(".tile")
    for i in range(tiles.count()):
        expect(tiles.nth(i)).to_contain_text("canvasshoes")
    shoot(page, "3-gallery-filtered")


def test_source_ref_search_and_open_image_are_in_the_url(
    page: Page, server: Server, shoes: Path
) -> None:
    server.folder_dataset("shoes", shoes)
    page.goto(GALLERY)
    page.get_by_label("Source-ref contains").fill("chunkysneakers/1")
    expect(page).to_have_url(f"{server.url}{GALLERY}?q=chunkysneakers%2F1")
    matching = [e for e in server.entries("shoes") if "chunkysneakers/1" in e["source_ref"]]
    expect(page.get_by_test_id("matching")).to_have_text(f"{len(matching)} images")
    page.locator(".tile").first.dblclick()
    expect(page.locator(".editor")).to_be_visible()
    entry_id = page.locator(".editor").get_attribute("data-entry-id")
    page.reload()
    expect(page.locator(f".editor[data-entry-id='{entry_id}']")).to_be_visible()


def test_shift_click_selects_a_range_that_is_labelled_in_bulk_and_undone(
    page: Page, server: Server, shoes: Path, shoot
) -> None:
    server.folder_dataset("shoes", shoes)
    page.goto(GALLERY)
    tiles = page.locator(".tile")
    tiles.nth(2).click()
    tiles.nth(8).click(modifiers=["Shift"])
    tiles.nth(5).click(modifiers=["Control"])  # ctrl-click takes one out again
    expect(page.get_by_test_id("selection")).to_contain_text("6 selected")
    page.get_by_label("New label name").fill("favourite")
    page.get_by_role("button", name="Add label").click()
    row = page.locator("[data-label=favourite]")
    row.get_by_role("button", name="+ Add").click()
    expect(row.locator("[data-count=images]")).to_have_text("6")
    shoot(page, "5-bulk-labelled")
    ids = [int(tiles.nth(i).get_attribute("data-entry-id") or 0) for i in (2, 3, 4, 6, 7, 8)]
    tagged = [e["id"] for e in server.entries("shoes", contains_label="favourite")]
    assert sorted(tagged) == sorted(ids)
    expect(tiles.nth(3)).to_contain_text("favourite")
    page.get_by_role("button", name="↶ Undo").click()
    expect(row.locator("[data-count=images]")).to_have_text("0")
    assert label_count(server, "favourite") == 0


def test_select_all_matching_labels_every_page_with_number_keys(
    page: Page, server: Server, shoes: Path
) -> None:
    server.folder_dataset("shoes", shoes)
    page.goto(f"{GALLERY}?label=chunkysneakers")
    expect(page.get_by_test_id("matching")).to_have_text("25 images")
    page.locator(".tile").first.click()
    page.get_by_role("button", name="Select all 25 matching").click()
    expect(page.get_by_test_id("selection")).to_contain_text(
        "25 selected (all matching the filter)"
    )
    # Labels are sorted by name: 1 = canvasshoes, 2 = chunkysneakers.
    expect(page.locator("[data-label=canvasshoes]")).to_be_visible()
    page.keyboard.press("1")
    expect(page.locator("[data-label=canvasshoes] [data-count=images]")).to_have_text("50")
    assert label_count(server, "canvasshoes") == 50
    page.keyboard.press("Control+z")
    expect(page.locator("[data-label=canvasshoes] [data-count=images]")).to_have_text("25")
