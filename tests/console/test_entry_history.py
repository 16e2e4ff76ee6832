"""The image view's History section: who changed the image, refreshed after each save."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from tests.console.conftest import Server
from tests.console.helpers import rotated_jpeg, upload


def test_toggling_a_label_shows_in_the_history_section(page: Page, server: Server) -> None:
    server.api.post("/projects", json={"name": "audited"}).raise_for_status()
    server.api.post("/projects/audited/labels", json={"name": "cat"}).raise_for_status()
    upload(server.api, "audited", {"img.jpg": rotated_jpeg(1)})
    [entry] = server.api.get("/projects/audited/datasets/train/entries").json()["items"]
    page.goto(f"/projects/audited/datasets/train?entry={entry['id']}")
    history = page.get_by_test_id("entry-history")
    expect(history.get_by_text("No changes recorded yet.")).to_be_visible()

    page.get_by_role("button", name="cat", exact=False).first.click()

    expect(page.locator(".editor .save.saved")).to_be_visible()
    item = history.locator("li").first
    expect(item).to_contain_text("admin")
    expect(item).to_contain_text("changed image labels")
    expect(item).to_contain_text("+cat")
