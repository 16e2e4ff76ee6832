"""Screen 1: the projects list, with dataset stats; create; delete after a confirmation."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from tests.console.conftest import Server


def test_created_project_is_listed_with_its_dataset_counts(
    page: Page, server: Server, shoes, shoot
) -> None:
    server.folder_dataset("shoes", shoes)
    page.goto("/")
    page.get_by_label("Project name").fill("pets")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="pets")).to_be_visible()
    page.goto("/")
    row = page.locator("tr[data-project=shoes]")
    expect(row).to_contain_text("50 images · 50 labelled")
    expect(page.locator("tr[data-project=pets]")).to_contain_text("none")
    shoot(page, "1-projects")


def test_deleting_a_project_asks_first_and_then_removes_it(page: Page, server: Server) -> None:
    server.api.post("/projects", json={"name": "old"}).raise_for_status()
    page.goto("/")
    page.locator("tr[data-project=old]").get_by_role("button", name="Delete…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("cannot be undone")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("tr[data-project=old]")).to_be_visible()
    page.locator("tr[data-project=old]").get_by_role("button", name="Delete…").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete project").click()
    expect(page.locator("tr[data-project=old]")).to_have_count(0)
    assert server.api.get("/projects/old").status_code == 404


def test_after_deleting_a_project_its_images_space_is_reclaimed_in_one_click(
    page: Page, server: Server, shoes, shoot
) -> None:
    server.folder_dataset("shoes", shoes)
    page.goto("/")
    page.locator("tr[data-project=shoes]").get_by_role("button", name="Delete…").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete project").click()
    notice = page.get_by_test_id("reclaim-notice")
    expect(notice).to_contain_text("Project “shoes” deleted")
    notice.get_by_role("button", name="Reclaim space").click()
    expect(notice).to_contain_text("Removed 50 unused images")
    shoot(page, "1-reclaimed")
    again = server.api.post("/storage/reclaim", json={"dry_run": True}).json()
    assert again["unused_images"] == 0
    notice.get_by_role("button", name="Dismiss").click()
    expect(notice).to_have_count(0)
