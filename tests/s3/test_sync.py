"""``dataset sync``: only new or changed keys are read again; gone keys reported, not deleted."""

from __future__ import annotations

import time

import pytest
from moto.backends import get_backend

from customlabels.errors import InvalidInput
from customlabels.services import datasets, entries, projects, runner
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports import s3_sync

from .helpers import all_entries, by_ref, create, jpeg, png, put


def sync(ctx, *, delete_missing: bool = False):
    job_id = s3_sync.start_dataset_sync(ctx, "p", "train", delete_missing=delete_missing)
    return runner.run_job(ctx, job_id)


def test_sync_adds_new_and_changed_keys_downloads_nothing_unchanged_and_reports_gone_keys(
    s3ctx, s3, new_bucket
):
    bucket = new_bucket()
    put(
        s3,
        bucket,
        {
            f"in/{label}/{i}.png": png((i * 40, shade, 10))
            for label, shade in (("a", 10), ("b", 90))
            for i in range(3)
        },
    )
    first = create(s3ctx, {"kind": "s3", "uri": f"s3://{bucket}/in/", "folder_labels": True})
    assert first.result["downloaded"] == 6
    before = by_ref(s3ctx)

    put(s3, bucket, {"in/a/0.png": png((255, 255, 0)), "in/c/new.png": png((0, 255, 255))})
    s3.delete_object(Bucket=bucket, Key="in/b/2.png")
    job = sync(s3ctx)

    assert job.status == "SUCCEEDED", job.message
    result = job.result
    assert result["downloaded"] == 2  # the changed key and the new one, nothing else
    assert result["unchanged"] == 4
    assert (result["created"], result["updated"]) == (1, 1)
    assert result["removed"] == 1 and result["removed_source_refs"] == [f"s3://{bucket}/in/b/2.png"]
    after = by_ref(s3ctx)
    assert len(after) == 7  # the gone key's entry is kept
    changed = f"s3://{bucket}/in/a/0.png"
    assert after[changed].asset.sha256 != before[changed].asset.sha256
    unchanged = f"s3://{bucket}/in/a/1.png"
    assert after[unchanged].version == before[unchanged].version  # not even rewritten
    assert after[f"s3://{bucket}/in/c/new.png"].labels == ["c"]
    assert datasets.describe_dataset(s3ctx, "p", "train").status == "UPDATE_COMPLETE"

    again = sync(s3ctx, delete_missing=True)
    assert again.result["downloaded"] == 0 and again.result["deleted"] == 1
    assert len(all_entries(s3ctx)) == 6
    assert datasets.describe_dataset(s3ctx, "p", "train").stats.total_entries == 6


def test_sync_keeps_label_edits_of_unchanged_entries(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    put(s3, bucket, {"x/one.jpg": jpeg()})
    create(s3ctx, {"kind": "s3", "uri": f"s3://{bucket}/x/", "folder_labels": True})
    entry = all_entries(s3ctx)[0]
    entries.edit_entry(
        s3ctx, "p", "train", entry.id, expected_version=entry.version, add_labels=["k"]
    )
    assert sync(s3ctx).result["unchanged"] == 1
    assert all_entries(s3ctx)[0].labels == ["k"]  # the image sits directly under the prefix


def test_sync_of_a_dataset_not_imported_from_s3_is_refused(s3ctx):
    projects.create_project(s3ctx, "p")
    datasets.create_empty_dataset(s3ctx, "p", "train")
    with pytest.raises(InvalidInput, match="not imported from S3"):
        s3_sync.start_dataset_sync(s3ctx, "p", "train")


def test_ten_thousand_keys_are_listed_page_by_page_and_resynced_without_downloads(
    sqlite_ctx, aws_env, new_bucket, monkeypatch
):
    """Pagination: 10,000 keys are ten ListObjectsV2 pages of 1,000 (eleven with page size
    900 below). The bytes are put straight into moto's backend to set up fast; the code under
    test still lists and downloads through boto3 over HTTP."""
    monkeypatch.setattr(sqlite_ctx.settings, "s3_list_page_size", 900)
    bucket = new_bucket()
    backend = get_backend("s3")["123456789012"]["aws"]
    data = png((7, 7, 7), size=(64, 64))
    for i in range(10_000):
        backend.put_object(bucket, f"many/label{i % 4}/{i:05d}.png", data)

    job = create(sqlite_ctx, {"kind": "s3", "uri": f"s3://{bucket}/many/", "folder_labels": True})
    assert job.status == "SUCCEEDED", job.message
    assert (job.result["listed"], job.result["entries"]) == (10_000, 10_000)
    # Identical objects (one ETag and size) share a download within an import.
    assert job.result["downloaded"] <= 3
    info = datasets.describe_dataset(sqlite_ctx, "p", "train")
    assert (info.stats.total_entries, info.stats.labeled_entries) == (10_000, 10_000)
    page = entries.list_entries(sqlite_ctx, "p", "train", EntryFilter(contains_labels=("label3",)))
    assert len(page.entries) == 100

    start = time.perf_counter()
    again = sync(sqlite_ctx)
    seconds = time.perf_counter() - start
    assert again.result["downloaded"] == 0 and again.result["unchanged"] == 10_000
    assert again.result["entries"] == 0 and again.result["removed"] == 0
    print(f"re-sync of 10,000 unchanged keys: {seconds:.2f} s")
