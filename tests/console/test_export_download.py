"""Exports a person takes away from the console: a zip download, with the images in it."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

import boto3
from playwright.sync_api import Page, expect

from .test_datasets import small_folder


def test_the_export_dialog_downloads_a_zip_or_exports_to_s3_with_the_images(
    page: Page, server, shoes: Path, tmp_path: Path, shoot, aws_env: str
) -> None:
    server.folder_dataset("takeaway", small_folder(shoes, tmp_path / "src", per_label=2))
    page.goto("/projects/takeaway")
    page.locator("[data-dataset=TRAIN]").get_by_role("button", name="Export…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("radio", name="Download a zip")).to_be_checked()
    shoot(page, "export-dialog-download")

    with page.expect_download() as started:
        dialog.get_by_role("link", name="Download zip").click()
    download = started.value
    assert download.suggested_filename == "takeaway-train-groundtruth.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    with zipfile.ZipFile(saved) as archive:
        lines = [json.loads(x) for x in archive.read("output.manifest").splitlines()]
        assert len(lines) == 4
        for line in lines:
            assert archive.getinfo(line["source-ref"]).file_size > 1000  # the photo itself
        report = json.loads(archive.read("hosted_service_report.json"))
    assert len(report["entries"]) == 4  # none of them is in S3, where the service reads

    # To S3: a job, whose progress the dialog shows until it is done.
    bucket = f"takeaway-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    dialog.get_by_role("radio", name="An S3 bucket").check()
    dialog.get_by_role("textbox", name="Bucket").fill(bucket)
    dialog.get_by_role("textbox", name="Prefix").fill("shoes/")
    dialog.get_by_role("button", name="Export", exact=True).click()
    expect(dialog.get_by_role("status")).to_contain_text(f"s3://{bucket}/shoes/", timeout=30_000)
    shoot(page, "export-dialog-s3-done")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert len([k for k in keys if k.startswith("shoes/images/")]) == 4
