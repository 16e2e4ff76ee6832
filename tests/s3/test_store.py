"""S3 as the image store: originals (and optionally thumbnails) written to and read from S3."""

from __future__ import annotations

import time
import urllib.request

import pytest
from fastapi.testclient import TestClient
from tests.accounts import key_headers

from customlabels.app import create_app
from customlabels.config import Settings
from customlabels.errors import ServiceUnavailable
from customlabels.jobs.queue import open_queue
from customlabels.services import assets, projects, runner
from customlabels.services.context import Context, open_context
from customlabels.services.reclaim import reclaim_unused_images
from customlabels.storage.factory import open_blob_store
from customlabels.storage.protocol import asset_key
from customlabels.storage.s3 import S3BlobStore, S3Options

from .helpers import all_entries, create, jpeg, png, put

IMAGES = "/api/v1/projects/p/datasets/train/entries"


def _client(ctx: Context) -> TestClient:
    """The app in-process, as an admin with an API key, on an allowed host name."""
    return TestClient(
        create_app(ctx, open_queue(None, ctx.settings.data_dir)),
        base_url="http://127.0.0.1",
        headers=key_headers(ctx),
    )


@pytest.fixture
def s3_store(s3ctx, new_bucket, monkeypatch):
    """``s3ctx`` whose image store is s3://<new bucket>/store (as CUSTOMLABELS_STORAGE_URL)."""
    bucket = new_bucket("store")
    store = open_blob_store(
        f"s3://{bucket}/store", s3ctx.settings.data_dir, S3Options.from_settings(s3ctx.settings)
    )
    assert isinstance(store, S3BlobStore)
    monkeypatch.setattr(s3ctx, "blobs", store)
    return s3ctx, bucket


def _imported(ctx, s3, new_bucket) -> dict[str, bytes]:
    source = new_bucket()
    objects = {"a.jpg": jpeg((200, 10, 10)), "b.png": png((10, 200, 10))}
    put(s3, source, objects)
    assert create(ctx, {"kind": "s3", "uri": f"s3://{source}/"}).status == "SUCCEEDED"
    return {f"s3://{source}/{k}": v for k, v in objects.items()}


def test_imported_originals_live_in_the_bucket_and_are_served_through_the_app(
    s3_store, s3, new_bucket
):
    ctx, bucket = s3_store
    originals = _imported(ctx, s3, new_bucket)
    views = {v.source_ref: v for v in all_entries(ctx)}
    for ref, data in originals.items():
        sha = views[ref].asset.sha256
        stored = s3.get_object(Bucket=bucket, Key=f"store/{asset_key(sha)}")["Body"].read()
        assert stored == data
        assert assets.read_original(ctx, sha) == data
        assert assets.read_thumbnail(ctx, sha)[:2] == b"\xff\xd8"
    client = _client(ctx)
    view = views[next(iter(originals))]
    image = client.get(f"{IMAGES}/{view.id}/image")
    assert image.status_code == 200 and image.content == originals[view.source_ref]
    thumb = client.get(f"{IMAGES}/{view.id}/thumbnail")
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8"


def test_presigned_mode_redirects_clients_to_s3_for_originals_and_stored_thumbnails(
    s3_store, s3, new_bucket, monkeypatch
):
    ctx, bucket = s3_store
    monkeypatch.setattr(ctx.settings, "image_urls", "presigned")
    monkeypatch.setattr(ctx.settings, "thumbnails_in_store", True)
    originals = _imported(ctx, s3, new_bucket)
    client = _client(ctx)
    view = next(v for v in all_entries(ctx) if v.source_ref.endswith("a.jpg"))

    image = client.get(f"{IMAGES}/{view.id}/image", follow_redirects=False)
    assert image.status_code == 307
    with urllib.request.urlopen(image.headers["location"]) as response:
        assert response.read() == originals[view.source_ref]
        assert response.headers["Content-Type"] == "image/jpeg"

    thumb = client.get(f"{IMAGES}/{view.id}/thumbnail", follow_redirects=False)
    assert thumb.status_code == 307
    with urllib.request.urlopen(thumb.headers["location"]) as response:
        data = response.read()
    assert data[:2] == b"\xff\xd8" and data == assets.read_thumbnail(ctx, view.asset.sha256)


def test_a_store_bucket_that_does_not_exist_is_a_clear_start_up_error(tmp_path, aws_env):
    settings = Settings(data_dir=tmp_path, storage_url="s3://no-such-store-bucket/images")
    with pytest.raises(ServiceUnavailable, match="no-such-store-bucket.*does not exist"):
        open_context(settings)


def test_an_unreachable_store_endpoint_is_a_clear_start_up_error_without_secrets(
    tmp_path, aws_env, monkeypatch
):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-value")
    settings = Settings(
        data_dir=tmp_path,
        storage_url="s3://bucket/images",
        s3_endpoint_url="http://127.0.0.1:9",  # the discard port: nothing listens
        s3_retry_base_delay_s=0.01,
    )
    with pytest.raises(ServiceUnavailable) as caught:
        open_context(settings)
    message = caught.value.message
    assert "http://127.0.0.1:9" in message and "unreachable" in message
    assert "very-secret-value" not in message


def test_the_rest_api_creates_a_dataset_from_an_s3_prefix(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    put(s3, bucket, {"x/cat/1.jpg": jpeg(), "x/dog/2.jpg": jpeg((0, 0, 90))})
    from customlabels.services import projects

    projects.create_project(s3ctx, "p")
    client = _client(s3ctx)
    body = {"source": {"kind": "s3", "uri": f"s3://{bucket}/x/", "folder_labels": True}}
    response = client.post("/api/v1/projects/p/datasets/train", json=body)
    assert response.status_code == 202, response.text
    job = runner.run_job(s3ctx, response.json()["id"])
    assert job.status == "SUCCEEDED", job.message
    assert sorted(v.labels[0] for v in all_entries(s3ctx)) == ["cat", "dog"]
    sync = client.post("/api/v1/projects/p/datasets/train/sync")
    assert sync.status_code == 202
    assert runner.run_job(s3ctx, sync.json()["id"]).result["unchanged"] == 2


def test_reclaiming_space_removes_unused_originals_from_the_bucket(s3_store, s3, new_bucket):
    ctx, bucket = s3_store
    _imported(ctx, s3, new_bucket)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert len([k for k in keys if k.startswith("store/assets/")]) == 2
    projects.delete_project(ctx, "p")
    # S3 times have whole seconds, and a blob put in the second a run starts counts as in
    # use: start in the next one.
    time.sleep(1.05 - time.time() % 1)

    assert reclaim_unused_images(ctx).images == 2

    left = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert [o["Key"] for o in left if o["Key"].startswith("store/assets/")] == []


def test_a_sweep_finds_objects_under_the_store_prefix_that_no_image_names(s3_store, s3, new_bucket):
    ctx, bucket = s3_store
    originals = _imported(ctx, s3, new_bucket)
    s3.put_object(Bucket=bucket, Key="store/assets/ff/" + "f" * 64, Body=b"left behind")
    stored = sorted(ctx.blobs.keys("assets/"))
    assert len(stored) == len(originals) + 1 and all(k.startswith("assets/") for k in stored)

    counted = reclaim_unused_images(ctx, sweep=True, dry_run=True)
    assert (counted.images, counted.orphans) == (0, 1)
    # Written just now: a sweep leaves it for an hour, as its import may be writing its row.
    assert reclaim_unused_images(ctx, sweep=True).orphans == 0
    assert ctx.blobs.exists("assets/ff/" + "f" * 64)
