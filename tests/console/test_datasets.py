"""Screen 2: creating datasets from each server-side source, copying, splitting and exporting."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from tests.console.conftest import Server
from tests.console.helpers import wait_until


def small_folder(shoes: Path, target: Path, per_label: int = 3) -> Path:
    """``per_label`` shoe photos in each of the two label folders under ``target``."""
    for label in ("canvasshoes", "chunkysneakers"):
        (target / label).mkdir(parents=True)
        for path in sorted((shoes / label).glob("*.jpg"))[:per_label]:
            shutil.copy(path, target / label / path.name)
    return target


def total(server: Server, project: str, dataset: str = "train") -> int:
    response = server.api.get(f"/projects/{project}/datasets/{dataset}")
    return response.json()["stats"]["total_entries"] if response.status_code == 200 else -1


def create_from(page: Page, card: Locator, tab: str) -> None:
    card.get_by_role("button", name="Create", exact=False).first.click()
    card.get_by_role("tab", name=tab).click()


def test_a_dataset_from_a_server_folder_then_a_copy_of_it(
    page: Page, server: Server, shoes: Path, tmp_path: Path
) -> None:
    folder = small_folder(shoes, tmp_path / "src")
    server.api.post("/projects", json={"name": "p"}).raise_for_status()
    page.goto("/projects/p")
    train = page.locator("[data-dataset=TRAIN]")
    create_from(page, train, "Folder on the server")
    train.get_by_label("Source path").fill(str(folder))
    expect(train.get_by_label("Use folder names as labels")).to_be_checked()
    train.get_by_role("button", name="Create TRAIN dataset").click()
    expect(train.locator("[data-stat=total]")).to_have_text("6", timeout=30_000)
    expect(train.locator("[data-stat=labeled]")).to_have_text("6")

    test = page.locator("[data-dataset=TEST]")
    create_from(page, test, "Copy an existing dataset")
    test.get_by_role("combobox").select_option(label="p / TRAIN (6 images)")
    test.get_by_role("button", name="Create TEST dataset").click()
    expect(test.locator("[data-stat=total]")).to_have_text("6", timeout=30_000)
    expect(test.locator("[data-stat=labeled]")).to_have_text("6")
    labels = server.api.get("/projects/p/datasets/test/labels").json()
    assert {(x["name"], x["entry_count"]) for x in labels} == {
        ("canvasshoes", 3),
        ("chunkysneakers", 3),
    }


def test_splitting_train_moves_a_fifth_into_test(
    page: Page, server: Server, shoes: Path, tmp_path: Path
) -> None:
    server.folder_dataset("p", small_folder(shoes, tmp_path / "src", per_label=5))
    page.goto("/projects/p")
    page.get_by_role("button", name="Split 20% of TRAIN into TEST").click()
    test = page.locator("[data-dataset=TEST]")
    expect(test.locator("[data-stat=total]")).to_have_text("2", timeout=30_000)
    expect(page.locator("[data-dataset=TRAIN] [data-stat=total]")).to_have_text("8")
    expect(page.locator(".jobs")).to_contain_text("Split 20% of TRAIN into TEST")
    assert (total(server, "p", "train"), total(server, "p", "test")) == (8, 2)


def export(page: Page, fmt: str, out: Path) -> None:
    page.locator("[data-dataset=TRAIN]").get_by_role("button", name="Export…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("radio", name=fmt).check()
    dialog.get_by_role("radio", name="A folder on the server").check()
    dialog.get_by_label("Folder on the server to write to").fill(str(out))
    dialog.get_by_role("button", name="Export", exact=True).click()
    expect(dialog.get_by_role("status")).to_contain_text("Exported", timeout=30_000)
    dialog.get_by_role("button", name="Close").click()
    done = page.locator(".jobs li[data-job-status=SUCCEEDED]").filter(has_text=str(out))
    expect(done).to_have_count(1, timeout=30_000)


def test_export_in_each_format_and_import_it_back(
    page: Page, server: Server, shoes: Path, tmp_path: Path, shoot
) -> None:
    """Exports written by the console come back in through the console: COCO, YOLO, VOC, and
    a Ground Truth manifest uploaded from the computer, with the box on the first image."""
    server.folder_dataset("src", small_folder(shoes, tmp_path / "src", per_label=2))
    first = server.entries("src")[0]
    box = {"label": "canvasshoes", "left": 10, "top": 20, "width": 80, "height": 60}
    server.api.patch(
        f"/projects/src/datasets/train/entries/{first['id']}",
        json={"version": first["version"], "boxes": [box]},
    ).raise_for_status()
    out = tmp_path / "out"
    page.goto("/projects/src")
    formats = {
        "coco": ("COCO", out / "coco", "COCO", out / "coco" / "annotations.json"),
        "yolo": ("YOLO", out / "yolo", "YOLO", out / "yolo"),
        "voc": ("Pascal VOC", out / "voc", "Pascal VOC", out / "voc"),
    }
    for radio, folder, _, _ in formats.values():
        export(page, radio, folder)
    export(page, "Ground Truth manifest", out / "gt")
    shoot(page, "2-project-exported")
    manifest = out / "gt" / "output.manifest"
    lines = [json.loads(x) for x in manifest.read_text().splitlines()]
    assert len(lines) == 4

    for name, (_, _, tab, path) in formats.items():
        server.api.post("/projects", json={"name": name}).raise_for_status()
        page.goto(f"/projects/{name}")
        card = page.locator("[data-dataset=TRAIN]")
        create_from(page, card, tab)
        card.get_by_label("Source path").fill(str(path))
        card.get_by_role("button", name="Create TRAIN dataset").click()
        expect(card.locator("[data-stat=total]")).to_have_text("4", timeout=30_000)
        boxes = [b for e in server.entries(name) for b in e["boxes"]]
        got = [(b["label"], round(b["width"], 3), round(b["height"], 3)) for b in boxes]
        assert got == [("canvasshoes", 80, 60)], name  # YOLO's fractions round-trip to 1e-9

    server.api.post("/projects", json={"name": "gt"}).raise_for_status()
    page.goto("/projects/gt")
    card = page.locator("[data-dataset=TRAIN]")
    create_from(page, card, "Ground Truth manifest")
    card.get_by_test_id("manifest-file").set_input_files(manifest)
    # Uploaded with its images: the export copied them beside the manifest, where its
    # source-refs name them.
    card.get_by_test_id("manifest-image-folder").set_input_files(out / "gt" / "images")
    expect(card.get_by_test_id("manifest-check")).to_contain_text("4 lines, 4 of your")
    card.get_by_role("button", name="Create TRAIN dataset").click()
    # The images arrive first, then the manifest's lines label them.
    expect(card.locator("[data-stat=labeled]")).to_have_text("4", timeout=30_000)
    entries = server.entries("gt")
    assert sorted(len(e["labels"]) for e in entries) == [1, 1, 1, 1]
    assert [b["width"] for e in entries for b in e["boxes"]] == [80]

    # The same manifest by its path on the server, for the TEST dataset.
    test = page.locator("[data-dataset=TEST]")
    create_from(page, test, "Ground Truth manifest")
    test.get_by_label("On the server").check()
    test.get_by_label("Manifest path").fill(str(manifest))
    test.get_by_role("button", name="Create TEST dataset").click()
    expect(test.locator("[data-stat=total]")).to_have_text("4", timeout=30_000)
    wait_until(lambda: total(server, "gt", "test"), lambda n: n == 4)


def test_exporting_into_a_folder_that_is_not_empty_needs_replace_ticked(
    page: Page, server: Server, shoes: Path, tmp_path: Path
) -> None:
    server.folder_dataset("again", small_folder(shoes, tmp_path / "src", per_label=1))
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("not the export's")
    page.goto("/projects/again")
    page.locator("[data-dataset=TRAIN]").get_by_role("button", name="Export…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("radio", name="COCO").check()
    dialog.get_by_role("radio", name="A folder on the server").check()
    dialog.get_by_label("Folder on the server to write to").fill(str(out))
    dialog.get_by_role("button", name="Export", exact=True).click()
    expect(page.locator(".toast")).to_contain_text("is not empty")
    dialog.get_by_label("Replace files already there").check()
    dialog.get_by_role("button", name="Export", exact=True).click()
    done = page.locator(".jobs li[data-job-status=SUCCEEDED]").filter(has_text=str(out))
    expect(done).to_have_count(1, timeout=30_000)
    assert (out / "annotations.json").is_file()
    assert (out / "mine.txt").read_text() == "not the export's"
