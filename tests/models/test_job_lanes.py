"""Jobs are routed by kind: a worker for ``train`` takes the trainings, one for
``default`` leaves them, and the embedded worker takes everything."""

from __future__ import annotations

import time

import pytest
from tests.models.helpers import labelled_project, ref

from customlabels.errors import InvalidInput
from customlabels.jobs.queue import check_lanes, lane_of, open_queue
from customlabels.services.jobs import get_job
from customlabels.services.models import versions
from customlabels.services.runner import run_job
from customlabels.storage.protocol import asset_key


def _training_that_fails_fast(ctx) -> int:
    """A queued training whose image rotted, so running it takes a moment, not a model."""
    found = labelled_project(ctx, "lanes", {"red": 3, "blue": 3})
    sha = found[ref("red/red-0.jpg")].asset.sha256
    ctx.blobs.delete(asset_key(sha))
    ctx.blobs.put(asset_key(sha), b"rotten")
    job_id = versions.create_version(ctx, "lanes").job_id
    assert job_id is not None
    return job_id


def _wait_finished(ctx, job_id: int, timeout_s: float = 20) -> str:
    deadline = time.monotonic() + timeout_s
    while (status := get_job(ctx, job_id).status) in ("QUEUED", "RUNNING"):
        assert time.monotonic() < deadline, f"job {job_id} still {status}"
        time.sleep(0.05)
    return status


def test_trainings_travel_in_the_train_lane_and_the_rest_in_the_default_one():
    assert lane_of("model.train") == lane_of("model.prelabel") == "train"
    assert lane_of("dataset.create") == lane_of("dataset.export") == "default"


def test_a_worker_for_other_kinds_leaves_a_training_for_the_training_worker(sqlite_ctx):
    job_id = _training_that_fails_fast(sqlite_ctx)
    queue = open_queue(None, sqlite_ctx.settings.data_dir)
    queue.enqueue_job(job_id, "model.train")
    default_worker = open_queue(None, sqlite_ctx.settings.data_dir)
    default_worker.start_consumer(lambda j: run_job(sqlite_ctx, j), lanes=["default"])
    try:
        time.sleep(1.0)
        assert get_job(sqlite_ctx, job_id).status == "QUEUED"
        assert queue.pending("train") == 1
    finally:
        default_worker.stop_consumer()
    train_worker = open_queue(None, sqlite_ctx.settings.data_dir)
    train_worker.start_consumer(lambda j: run_job(sqlite_ctx, j), lanes=["train"])
    try:
        assert _wait_finished(sqlite_ctx, job_id) == "FAILED"
    finally:
        train_worker.stop_consumer()
    assert queue.pending() == 0
    status = versions.list_versions(sqlite_ctx, "lanes")[0]
    assert status.status_code == "ERROR_INVALID_IMAGE"


def test_the_embedded_worker_takes_every_kind(sqlite_ctx):
    job_id = _training_that_fails_fast(sqlite_ctx)
    queue = open_queue(None, sqlite_ctx.settings.data_dir)
    queue.enqueue_job(job_id, "model.train")
    queue.start_consumer(lambda j: run_job(sqlite_ctx, j))
    try:
        assert _wait_finished(sqlite_ctx, job_id) == "FAILED"
    finally:
        queue.stop_consumer()


def test_unknown_job_kinds_for_a_worker_are_refused():
    with pytest.raises(InvalidInput, match="gpu"):
        check_lanes(["gpu"])
