"""Reclaiming the space of images no entry uses: what goes, what stays, and when it waits."""

from __future__ import annotations

import os
import time

import pytest

from customlabels.config import Settings
from customlabels.errors import ResourceInUse
from customlabels.services import entries, jobs, projects
from customlabels.services.assets import read_original, read_thumbnail
from customlabels.services.context import open_context
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports import uploads
from customlabels.services.reclaim import reclaim_unused_images
from customlabels.storage.protocol import asset_key

from .builders import by_ref, jpeg, project_with, ref

SHARED, ONLY_GONE = jpeg(color=(10, 20, 30)), jpeg(color=(200, 100, 50))


def _two_projects(ctx):
    """'keep' and 'gone' share one image; 'gone' has one of its own. Returns their sha256s."""
    projects.create_project(ctx, "keep")
    uploads.upload_files(ctx, "keep", "train", [uploads.UploadedFile("a.jpg", SHARED)])
    projects.create_project(ctx, "gone")
    uploads.upload_files(
        ctx,
        "gone",
        "train",
        [uploads.UploadedFile("a.jpg", SHARED), uploads.UploadedFile("b.jpg", ONLY_GONE)],
    )
    found = by_ref(ctx, "gone")
    return found[ref("a.jpg")].asset.sha256, found[ref("b.jpg")].asset.sha256


def test_images_of_a_deleted_project_go_and_images_another_project_uses_stay(ctx):
    shared, own = _two_projects(ctx)
    projects.delete_project(ctx, "gone")

    result = reclaim_unused_images(ctx)

    assert (result.images, result.bytes, result.kept) == (1, len(ONLY_GONE), 0)
    assert not ctx.blobs.exists(asset_key(own))
    with pytest.raises(Exception, match=own[:12]):
        read_thumbnail(ctx, own)
    assert read_original(ctx, shared) == SHARED
    assert read_thumbnail(ctx, shared).startswith(b"\xff\xd8")
    assert reclaim_unused_images(ctx).images == 0  # nothing left to find


def test_deleted_entries_free_their_images_and_an_upload_of_them_later_works(ctx):
    project_with(ctx, ["x/one.jpg", "x/two.jpg"], name="pets")
    two = by_ref(ctx, "pets")[ref("x/two.jpg")].asset.sha256
    entries.delete_entries(ctx, "pets", "train", EntryFilter(source_ref_contains="two"))

    assert reclaim_unused_images(ctx).images == 1
    assert not ctx.blobs.exists(asset_key(two))

    data = jpeg(color=(1, 7, 13))  # what project_with uploaded as the second image
    uploads.upload_files(ctx, "pets", "train", [uploads.UploadedFile("x/two.jpg", data)])
    again = by_ref(ctx, "pets")[ref("x/two.jpg")]
    assert again.asset.sha256 == two and read_original(ctx, two) == data


def test_a_dry_run_counts_the_unused_images_and_removes_nothing(ctx):
    _, own = _two_projects(ctx)
    projects.delete_project(ctx, "gone")

    result = reclaim_unused_images(ctx, dry_run=True)

    assert (result.images, result.bytes, result.dry_run) == (1, len(ONLY_GONE), True)
    assert ctx.blobs.exists(asset_key(own))
    assert reclaim_unused_images(ctx).images == 1


def test_reclaiming_is_refused_while_a_job_runs(ctx):
    _two_projects(ctx)
    projects.delete_project(ctx, "gone")
    with ctx.db.write() as session:
        job_id = jobs.create_job(session, "dataset.create", {}, title="Create TRAIN").id
    jobs.mark_running(ctx, job_id)

    with pytest.raises(ResourceInUse, match=f"job {job_id}"):
        reclaim_unused_images(ctx)

    jobs.mark_finished(ctx, job_id, ok=True, message="done")
    assert reclaim_unused_images(ctx).images == 1


def test_reclaiming_with_a_local_store_frees_the_files_on_disk(tmp_path):
    ctx = open_context(Settings(data_dir=tmp_path / "data"))
    try:
        _, own = _two_projects(ctx)
        blob = tmp_path / "data" / "blobs" / asset_key(own)
        assert blob.is_file()
        projects.delete_project(ctx, "gone")
        assert reclaim_unused_images(ctx).images == 1
        assert not blob.exists()
    finally:
        ctx.close()


def test_a_sweep_removes_old_stored_files_no_image_row_names_and_keeps_recent_ones(tmp_path):
    ctx = open_context(Settings(data_dir=tmp_path / "data"))
    try:
        project_with(ctx, ["a/one.jpg"], name="pets")
        used = by_ref(ctx, "pets")[ref("a/one.jpg")].asset.sha256
        # Bytes an import wrote before it was killed, before their rows: one long ago, one
        # just now (its import may still be about to write the row).
        ctx.blobs.put(asset_key("0" * 64), b"left by a killed import")
        ctx.blobs.put(asset_key("1" * 64), b"written a moment ago")
        old = ctx.blobs.root / asset_key("0" * 64)
        two_hours_ago = time.time() - 7200
        os.utime(old, (two_hours_ago, two_hours_ago))

        counted = reclaim_unused_images(ctx, sweep=True, dry_run=True)
        assert (counted.images, counted.orphans) == (0, 2)
        assert old.exists()

        swept = reclaim_unused_images(ctx, sweep=True)
        assert (swept.images, swept.orphans) == (0, 1)
        assert not old.exists()
        assert ctx.blobs.exists(asset_key("1" * 64))
        assert ctx.blobs.get(asset_key(used)) == jpeg(color=(0, 0, 0))
        assert sorted(ctx.blobs.keys("assets/")) == sorted([asset_key("1" * 64), asset_key(used)])
    finally:
        ctx.close()
