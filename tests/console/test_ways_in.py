"""Every way in from the console: a manifest uploaded with its images (to create a dataset
or add to one), an S3 prefix with folder labels and its Sync button, and a wrong manifest
that says which line is wrong and can be fixed and sent again without reloading."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect
from tests.console.conftest import Server


def _line(ref: str, label: str) -> str:
    return json.dumps(
        {
            "source-ref": ref,
            "shoe": 0,
            "shoe-metadata": {"class-name": label, "type": "groundtruth/image-classification"},
        }
    )


def _photos(shoes: Path, target: Path, count: int) -> list[str]:
    """``count`` shoe photos copied to ``target``/photos; their names."""
    (target / "photos").mkdir(parents=True)
    names = []
    for i, path in enumerate(sorted((shoes / "canvasshoes").glob("*.jpg"))[:count]):
        shutil.copy(path, target / "photos" / f"shoe{i}.jpg")
        names.append(f"shoe{i}.jpg")
    return names


def _open_manifest_form(card: Locator, button: str) -> None:
    card.get_by_role("button", name=button).click()
    card.get_by_role("tab", name="Ground Truth manifest").click()


def test_a_dataset_is_created_from_a_manifest_uploaded_with_its_images(
    page: Page, server: Server, shoes: Path, tmp_path: Path, shoot: Any
) -> None:
    server.api.post("/projects", json={"name": "gt"}).raise_for_status()
    names = _photos(shoes, tmp_path / "mine", 4)
    manifest = tmp_path / "train.manifest"
    # s3:// refs as a labelling job writes them: matched by their path ending.
    manifest.write_text("\n".join(_line(f"s3://bucket/photos/{n}", "canvas") for n in names))
    page.goto("/projects/gt")
    card = page.locator("[data-dataset=TRAIN]")
    _open_manifest_form(card, "Create TRAIN dataset…")
    card.get_by_test_id("manifest-file").set_input_files(manifest)
    card.get_by_test_id("manifest-image-folder").set_input_files(tmp_path / "mine")
    check = card.get_by_test_id("manifest-check")
    expect(check).to_contain_text("4 lines, 4 of your 4 images named")
    shoot(page, "ways-manifest-upload-ready")
    card.get_by_role("button", name="Create TRAIN dataset").click()
    expect(card.locator("[data-stat=labeled]")).to_have_text("4", timeout=60_000)
    expect(card.locator(".badge")).to_have_text("ready")
    labels = server.api.get("/projects/gt/datasets/train/labels").json()
    assert {(x["name"], x["entry_count"]) for x in labels} == {("canvas", 4)}
    shoot(page, "ways-manifest-upload-done")


def test_a_manifest_with_its_images_is_added_to_an_existing_dataset(
    page: Page, server: Server, shoes: Path, tmp_path: Path, shoot: Any
) -> None:
    server.folder_dataset("shoes", shoes)
    names = _photos(shoes, tmp_path / "more", 3)
    manifest = tmp_path / "more.manifest"
    manifest.write_text("\n".join(_line(f"photos/{n}", "extra") for n in names) + "\n")
    page.goto("/projects/shoes")
    card = page.locator("[data-dataset=TRAIN]")
    expect(card.locator("[data-stat=total]")).to_have_text("50")
    _open_manifest_form(card, "Add images or a source…")
    card.get_by_test_id("manifest-file").set_input_files(manifest)
    card.get_by_test_id("manifest-images").set_input_files(
        [tmp_path / "more" / "photos" / n for n in names]
    )
    expect(card.get_by_test_id("manifest-check")).to_contain_text("3 lines, 3 of your 3 images")
    card.get_by_role("button", name="Add to TRAIN dataset").click()
    # The photos are copies of photos the dataset holds: same bytes, new entries.
    expect(card.locator("[data-stat=total]")).to_have_text("53", timeout=60_000)
    expect(card.locator("[data-stat=labeled]")).to_have_text("53", timeout=60_000)
    labels = server.api.get("/projects/shoes/datasets/train/labels").json()
    assert ("extra", 3) in {(x["name"], x["entry_count"]) for x in labels}
    shoot(page, "ways-manifest-added")


def test_a_wrong_manifest_names_its_line_and_the_retry_works_without_reloading(
    page: Page, server: Server, shoes: Path, tmp_path: Path, shoot: Any
) -> None:
    server.api.post("/projects", json={"name": "retry"}).raise_for_status()
    names = _photos(shoes, tmp_path / "mine", 2)
    wrong = tmp_path / "wrong.manifest"
    lines = [_line(f"photos/{names[0]}", "a"), "", _line("photos/gone.jpg", "a"), "{oops"]
    wrong.write_text("\n".join(lines) + "\n")
    page.goto("/projects/retry")
    card = page.locator("[data-dataset=TRAIN]")
    _open_manifest_form(card, "Create TRAIN dataset…")
    card.get_by_test_id("manifest-file").set_input_files(wrong)
    card.get_by_test_id("manifest-image-folder").set_input_files(tmp_path / "mine")
    check = card.get_by_test_id("manifest-check")
    expect(check).to_contain_text(
        "manifest line 3: image photos/gone.jpg not found among the images you picked"
    )
    expect(check).to_contain_text("manifest line 4: not valid JSON")
    card.get_by_role("button", name="Create TRAIN dataset").click()
    expect(card.get_by_test_id("source-problem")).to_contain_text("fix the lines listed")
    shoot(page, "ways-manifest-wrong")
    # Nothing was created by the refused try.
    assert server.api.get("/projects/retry/datasets/train").status_code == 404
    right = tmp_path / "right.manifest"
    right.write_text("\n".join(_line(f"photos/{n}", "a") for n in names) + "\n")
    card.get_by_test_id("manifest-file").set_input_files(right)
    expect(check).not_to_contain_text("problem")
    card.get_by_role("button", name="Create TRAIN dataset").click()
    expect(card.locator("[data-stat=labeled]")).to_have_text("2", timeout=60_000)


def test_a_server_manifest_whose_every_image_is_missing_shows_failed_with_the_reason(
    page: Page, server: Server, tmp_path: Path, shoot: Any
) -> None:
    server.api.post("/projects", json={"name": "missing"}).raise_for_status()
    manifest = tmp_path / "lost.manifest"
    manifest.write_text(_line("photos/nowhere.jpg", "a") + "\n")
    page.goto("/projects/missing")
    card = page.locator("[data-dataset=TRAIN]")
    _open_manifest_form(card, "Create TRAIN dataset…")
    card.get_by_label("On the server").check()
    card.get_by_label("Manifest path").fill(str(manifest))
    card.get_by_role("button", name="Create TRAIN dataset").click()
    expect(card.locator(".badge")).to_have_text("failed", timeout=60_000)
    expect(card).to_contain_text(
        "manifest line 1: image photos/nowhere.jpg not found in the image folder you gave"
    )
    expect(card).not_to_contain_text(str(tmp_path))
    shoot(page, "ways-manifest-all-failed")


def test_an_s3_prefix_imports_with_folder_labels_and_its_sync_button_adds_new_images(
    page: Page, server: Server, shoes: Path, aws_env: str, shoot: Any
) -> None:
    import boto3  # only this test needs S3

    s3 = boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1")
    bucket = "ways-in"
    s3.create_bucket(Bucket=bucket)
    photos = sorted((shoes / "canvasshoes").glob("*.jpg"))
    for i, path in enumerate(photos[:3]):
        label = "boot" if i < 2 else "sandal"
        s3.put_object(Bucket=bucket, Key=f"shop/{label}/{i}.jpg", Body=path.read_bytes())
    server.api.post("/projects", json={"name": "bucket"}).raise_for_status()
    page.goto("/projects/bucket")
    card = page.locator("[data-dataset=TRAIN]")
    card.get_by_role("button", name="Create TRAIN dataset…").click()
    card.get_by_role("tab", name="S3 prefix").click()
    card.get_by_label("Source path").fill(f"s3://{bucket}/shop/")
    expect(card.get_by_label("Use folder names as labels")).to_be_checked()
    shoot(page, "ways-s3-form")
    card.get_by_role("button", name="Create TRAIN dataset").click()
    expect(card.locator("[data-stat=labeled]")).to_have_text("3", timeout=60_000)
    labels = server.api.get("/projects/bucket/datasets/train/labels").json()
    assert {(x["name"], x["entry_count"]) for x in labels} == {("boot", 2), ("sandal", 1)}
    s3.put_object(Bucket=bucket, Key="shop/sandal/9.jpg", Body=photos[5].read_bytes())
    card.get_by_role("button", name="Sync from S3").click()
    expect(card.locator("[data-stat=total]")).to_have_text("4", timeout=60_000)
    expect(card.locator("[data-stat=labeled]")).to_have_text("4")
    shoot(page, "ways-s3-synced")
