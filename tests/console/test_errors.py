"""Screen 7: entries with errors, their codes and messages, and a way to fix each."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from tests.console.conftest import Server
from tests.console.helpers import rotated_jpeg, upload


def test_errors_view_lists_codes_and_offers_a_fix(page: Page, server: Server, shoot) -> None:
    server.api.post("/projects", json={"name": "bad"}).raise_for_status()
    upload(server.api, "bad", {"good.jpg": rotated_jpeg(1), "broken.jpg": b"not a jpeg at all"})
    page.goto("/projects/bad")
    expect(page.locator("[data-stat=errors]")).to_have_text("1")
    page.get_by_role("link", name="Review 1 errors").click()
    row = page.locator("tr[data-entry-id]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("broken.jpg")
    code = row.locator("code").first.inner_text()
    assert code.startswith("ERROR_"), code
    shoot(page, "7-errors")
    row.get_by_role("button", name="Delete entry").click()
    expect(page.get_by_text("No entries with errors.")).to_be_visible()
    assert server.api.get("/projects/bad/datasets/train").json()["stats"]["total_entries"] == 1
