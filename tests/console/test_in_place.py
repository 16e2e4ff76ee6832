"""Creating a dataset from a server folder in place: ticked in the folder form, no copy made."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from tests.console.conftest import Server
from tests.console.test_datasets import create_from, small_folder


def test_a_dataset_from_a_server_folder_left_in_place(
    page: Page, server: Server, shoes: Path, tmp_path: Path, shoot
) -> None:
    folder = small_folder(shoes, tmp_path / "src")
    server.api.post("/projects", json={"name": "p"}).raise_for_status()
    page.goto("/projects/p")
    train = page.locator("[data-dataset=TRAIN]")
    create_from(page, train, "Folder on the server")
    train.get_by_label("Source path").fill(str(folder))
    in_place = train.get_by_label("Leave the images where they are", exact=False)
    expect(in_place).not_to_be_checked()
    in_place.check()
    shoot(page, "in-place-folder-form")
    train.get_by_role("button", name="Create TRAIN dataset").click()
    expect(train.locator("[data-stat=total]")).to_have_text("6", timeout=30_000)
    dataset = server.api.get("/projects/p/datasets/train").json()
    assert dataset["source"]["in_place"] is True
    assert list(server.ctx.blobs.keys("assets/")) == []
