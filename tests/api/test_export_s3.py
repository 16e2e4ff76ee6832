"""Exports to S3 over REST: open to editors, who may name no server folder."""

from __future__ import annotations

import uuid

import boto3
import httpx
import orjson
from botocore.config import Config
from tests.accounts import key_headers

from .conftest import Served


def test_an_editor_exports_uploaded_images_to_s3_with_a_manifest_naming_them(
    api: httpx.Client, served: Served, small_project: str, aws_env: str, wait_job
) -> None:
    s3 = boto3.client(
        "s3",
        endpoint_url=aws_env,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )
    bucket = f"out-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    editor = key_headers(served.ctx, "exporting-editor", "editor")
    path = f"/projects/{small_project}/datasets/train/exports"

    refused = api.post(path, json={"format": "groundtruth", "out": "gt-folder"}, headers=editor)
    assert refused.status_code == 403  # a server folder is for admins
    started = api.post(
        path, json={"format": "groundtruth", "out": f"s3://{bucket}/gt/"}, headers=editor
    )
    assert started.status_code == 202, started.text
    job = wait_job(api, started.json()["id"])
    assert job["status"] == "SUCCEEDED", job["message"]

    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    manifest = s3.get_object(Bucket=bucket, Key="gt/output.manifest")["Body"].read()
    refs = [orjson.loads(line)["source-ref"] for line in manifest.splitlines()]
    assert len(refs) == 4
    for ref in refs:
        assert ref.startswith(f"s3://{bucket}/gt/images/")
        assert ref.removeprefix(f"s3://{bucket}/") in keys
    report = orjson.loads(
        s3.get_object(Bucket=bucket, Key="gt/hosted_service_report.json")["Body"].read()
    )
    assert not any(
        i["code"] == "ERROR_INVALID_SOURCE_REF_FORMAT"
        for row in report["entries"]
        for i in row["issues"]
    )
