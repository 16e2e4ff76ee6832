"""Accounts in the console: the sign-in page, the user menu, signing out, and the admin's
page of users and keys."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from tests.accounts import ensure_user
from tests.console.conftest import Server, sign_in_as

PASSWORD = "a console password"


@pytest.fixture
def fresh(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    """A browser context with no cookies at all: nobody is signed in."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_signing_in_and_out_of_the_console(fresh: BrowserContext, server: Server, shoot) -> None:
    ensure_user(server.ctx, "ada", "editor", PASSWORD)
    server.api.post("/projects", json={"name": "orchard"}).raise_for_status()
    page = fresh.new_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    form = page.get_by_role("form", name="Sign in")
    expect(form).to_be_visible()
    shoot(page, "accounts-1-sign-in")

    page.get_by_label("User name").fill("ada")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong user name or password")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    shoot(page, "accounts-2-wrong-password")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    menu = page.get_by_test_id("user-menu")
    expect(menu).to_contain_text("ada")
    expect(menu).to_contain_text("editor")
    expect(page.locator("tr[data-project=orchard]")).to_be_visible()
    expect(menu.get_by_role("link", name="Users and keys")).to_have_count(0)
    shoot(page, "accounts-3-signed-in")

    menu.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("form", name="Sign in")).to_be_visible()
    # Signed out for good: opening the console again asks to sign in.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    assert not [c for c in fresh.cookies() if c["name"] == "customlabels_session"]


def test_an_admin_adds_a_user_and_a_key_whose_secret_is_shown_once(
    page: Page, server: Server, shoot
) -> None:
    page.goto("/")
    page.get_by_test_id("user-menu").get_by_role("link", name="Users and keys").click()
    expect(page.get_by_role("heading", name="Users and keys")).to_be_visible()
    page.get_by_label("New user name").fill("zoe")
    page.get_by_label("New user role").select_option("viewer")
    page.get_by_label("New user password").fill(PASSWORD)
    page.get_by_role("button", name="Create user").click()
    row = page.locator("tr[data-user=zoe]")
    expect(row).to_be_visible()
    expect(row.get_by_label("Role of zoe")).to_have_value("viewer")
    expect(row).to_contain_text("set")
    shoot(page, "accounts-4-users")

    row.get_by_role("button", name="0 keys").click()
    row.get_by_role("button", name="New API key").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("shown this once")
    key_id = dialog.get_by_test_id("new-key-id").inner_text()
    secret = dialog.get_by_test_id("new-key-secret").inner_text()
    assert key_id.startswith("AKCL") and len(secret) >= 40
    shoot(page, "accounts-5-new-key")
    dialog.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(row.get_by_test_id("keys-zoe")).to_contain_text(key_id)
    expect(page.locator("body")).not_to_contain_text(secret)  # never shown again
    shoot(page, "accounts-6-keys")

    with httpx.Client(base_url=server.url + "/api/v1", timeout=30) as client:
        who = client.get("/session", headers={"Authorization": f"Bearer {key_id}:{secret}"})
    assert who.status_code == 200, who.text
    assert who.json()["name"] == "zoe" and who.json()["role"] == "viewer"


def test_an_annotator_has_no_users_page(
    browser: Browser, server: Server, fresh: BrowserContext, shoot
) -> None:
    sign_in_as(fresh, server, "ann", "annotator")
    page = fresh.new_page()
    page.goto("/")
    menu = page.get_by_test_id("user-menu")
    expect(menu).to_contain_text("ann")
    expect(menu).to_contain_text("annotator")
    expect(page.get_by_role("link", name="Users and keys")).to_have_count(0)
    # Annotators can't make projects (POST /projects needs an editor): no form that fails.
    expect(page.get_by_text("an admin gives you the projects")).to_be_visible()
    expect(page.get_by_role("button", name="Create project")).to_have_count(0)
    shoot(page, "accounts-7-annotator")
    # Typed in by hand, the page says it is not theirs and shows no user.
    page.goto("/admin/users")
    expect(page.get_by_text("needs the admin role")).to_be_visible()
    expect(page.locator("tr[data-user]")).to_have_count(0)
