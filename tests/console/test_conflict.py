"""Screen 6: two people edit one image; the second sees both versions, chooses, loses nothing."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from tests.console.conftest import Server, sign_in_as
from tests.console.helpers import wait_until


def labels_of(server: Server, entry_id: int) -> list[str]:
    return server.api.get(f"/projects/shoes/datasets/train/entries/{entry_id}").json()["labels"]


def test_a_conflicting_save_shows_both_versions_and_keeps_both(
    page: Page, browser: Browser, server: Server, shoes: Path, shoot
) -> None:
    server.folder_dataset("shoes", shoes)
    for name in ("x-alice", "x-bob"):  # keys 3 and 4 (labels are sorted by name)
        server.api.post("/projects/shoes/labels", json={"name": name}).raise_for_status()
    entry_id = server.entries("shoes")[0]["id"]
    url = f"/projects/shoes/datasets/train?entry={entry_id}"
    bob_context = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": 900})
    sign_in_as(bob_context, server, "bob", "editor")
    try:
        bob = bob_context.new_page()
        page.goto(url)
        bob.goto(url)
        expect(page.locator(".save.saved")).to_be_visible()
        expect(bob.locator(".save.saved")).to_be_visible()
        for view in (page, bob):  # number keys need the labels loaded
            expect(view.locator(".label-toggles .toggle")).to_have_count(4)

        page.keyboard.press("3")  # Alice adds x-alice and it is saved
        wait_until(lambda: labels_of(server, entry_id), lambda ls: "x-alice" in ls)
        bob.keyboard.press("4")  # Bob's copy is older: his save is refused
        conflict = bob.get_by_test_id("conflict")
        expect(conflict).to_be_visible()
        expect(conflict.locator(".version").nth(0)).to_contain_text("x-bob")
        expect(conflict.locator(".version").nth(1)).to_contain_text("x-alice")
        expect(bob.locator("[data-save-state=conflict]")).to_be_visible()
        assert "x-bob" not in labels_of(server, entry_id)
        shoot(bob, "6-conflict")
        bob.get_by_role("button", name="Keep both").click()
        final = wait_until(
            lambda: labels_of(server, entry_id), lambda ls: {"x-alice", "x-bob"} <= set(ls)
        )
        assert "canvasshoes" in final  # the folder label both started from is still there
        expect(bob.locator(".save.saved")).to_be_visible()
    finally:
        bob_context.close()


def test_keep_mine_overrides_their_change(
    page: Page, browser: Browser, server: Server, shoes: Path
) -> None:
    server.folder_dataset("shoes", shoes)
    server.api.post("/projects/shoes/labels", json={"name": "x-alice"}).raise_for_status()
    entry_id = server.entries("shoes")[0]["id"]
    url = f"/projects/shoes/datasets/train?entry={entry_id}"
    other = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": 900})
    sign_in_as(other, server, "bob", "editor")
    try:
        bob = other.new_page()
        page.goto(url)
        bob.goto(url)
        expect(page.locator(".save.saved")).to_be_visible()
        expect(bob.locator(".save.saved")).to_be_visible()
        page.keyboard.press("3")
        wait_until(lambda: labels_of(server, entry_id), lambda ls: "x-alice" in ls)
        bob.keyboard.press("1")  # Bob removes canvasshoes
        bob.get_by_role("button", name="Keep mine").click()
        wait_until(lambda: labels_of(server, entry_id), lambda ls: ls == [])
    finally:
        other.close()
