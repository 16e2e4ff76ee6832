"""Screen 2: a project's datasets; uploading a folder of photos with folder names as labels."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from tests.console.conftest import Server


def test_uploading_a_folder_with_folder_labels_shows_the_counts(
    page: Page, server: Server, shoes: Path, shoot
) -> None:
    server.api.post("/projects", json={"name": "shoes"}).raise_for_status()
    page.goto("/projects/shoes")
    card = page.locator("[data-dataset=TRAIN]")
    card.get_by_role("button", name="Create TRAIN dataset…").click()
    card.get_by_test_id("folder-input").set_input_files(shoes)
    expect(card).to_contain_text("50 images ready")
    expect(card).to_contain_text("canvasshoes (25)")
    expect(card).to_contain_text("chunkysneakers (25)")
    shoot(page, "2-project-upload-ready")
    card.get_by_role("button", name="Upload 50 images").click()
    expect(card.locator("[data-stat=total]")).to_have_text("50", timeout=60_000)
    expect(card.locator("[data-stat=labeled]")).to_have_text("50")
    expect(page.locator("[data-job-status=SUCCEEDED]").first).to_be_visible()
    shoot(page, "2-project")
    labels = server.api.get("/projects/shoes/datasets/train/labels").json()
    assert {(x["name"], x["entry_count"]) for x in labels} == {
        ("canvasshoes", 25),
        ("chunkysneakers", 25),
    }
    card.get_by_role("link", name="Open gallery").click()
    expect(page.get_by_test_id("matching")).to_have_text("50 images")
    expect(page.locator("[data-filter-label=canvasshoes]")).to_contain_text("25")
