"""A training's lifecycle without a trained model: one at a time per project, stopping,
deleting, and images that no longer decode."""

from __future__ import annotations

import pytest
from tests.models.helpers import labelled_project, ref

from customlabels.errors import InvalidInput, ResourceInUse
from customlabels.services.jobs import get_job
from customlabels.services.models import versions
from customlabels.services.runner import run_job
from customlabels.storage.protocol import asset_key


def test_a_second_training_of_a_project_is_refused_while_one_is_in_progress(ctx):
    labelled_project(ctx, "busy")
    first = versions.create_version(ctx, "busy")
    with pytest.raises(ResourceInUse, match=first.name):
        versions.create_version(ctx, "busy")
    assert [v.name for v in versions.list_versions(ctx, "busy")] == [first.name]


def test_versions_are_named_v1_v2_unless_named(ctx):
    labelled_project(ctx, "named")
    first = versions.create_version(ctx, "named")
    versions.stop_training(ctx, "named", first.name)
    second = versions.create_version(ctx, "named", "mine")
    versions.stop_training(ctx, "named", second.name)
    third = versions.create_version(ctx, "named")
    assert (first.name, second.name, third.name) == ("v1", "mine", "v3")


def test_stopping_a_queued_training_fails_it_as_stopped_by_the_user(ctx):
    labelled_project(ctx, "stopq")
    info = versions.create_version(ctx, "stopq")
    stopped = versions.stop_training(ctx, "stopq", info.name)
    assert stopped.status == "TRAINING_FAILED"
    assert "stopped by the user" in stopped.status_message
    assert info.job_id is not None
    # A worker that takes the job afterwards trains nothing.
    assert run_job(ctx, info.job_id).status == "FAILED"
    assert versions.describe_version(ctx, "stopq", info.name).status == "TRAINING_FAILED"


def test_a_version_in_training_cannot_be_deleted(ctx):
    labelled_project(ctx, "keep")
    info = versions.create_version(ctx, "keep")
    with pytest.raises(ResourceInUse, match="TRAINING_IN_PROGRESS"):
        versions.delete_version(ctx, "keep", info.name)
    versions.stop_training(ctx, "keep", info.name)
    versions.delete_version(ctx, "keep", info.name)
    assert versions.list_versions(ctx, "keep") == []


def test_an_image_that_no_longer_decodes_fails_the_training_naming_its_entry(ctx):
    found = labelled_project(ctx, "rotten", {"red": 5, "blue": 5})
    broken = found[ref("red/red-3.jpg")]
    assert broken.asset is not None
    # The stored bytes rot after the import (a disk fault, a bucket edited by hand).
    ctx.blobs.delete(asset_key(broken.asset.sha256))
    ctx.blobs.put(asset_key(broken.asset.sha256), b"\xff\xd8\xff\xe0 not a JPEG any more")
    info = versions.create_version(ctx, "rotten")
    assert info.job_id is not None
    job = run_job(ctx, info.job_id)
    after = versions.describe_version(ctx, "rotten", info.name)
    assert job.status == "FAILED"
    assert after.status == "TRAINING_FAILED"
    assert after.status_code == "ERROR_INVALID_IMAGE"
    assert "upload://red/red-3.jpg" in after.status_message
    assert "Traceback" not in after.status_message
    assert get_job(ctx, info.job_id).message == after.status_message


def test_unknown_training_settings_are_refused_before_anything_is_recorded(ctx):
    pytest.importorskip("customlabels.training")
    labelled_project(ctx, "typo")
    with pytest.raises(InvalidInput, match="epoch"):
        versions.create_version(ctx, "typo", config={"epoch": 3})
    assert versions.list_versions(ctx, "typo") == []
