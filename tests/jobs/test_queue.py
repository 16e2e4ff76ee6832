"""The job queue carries job ids from whoever starts a job to a worker elsewhere.

A job enqueued through one ``JobQueue`` is run by the consumer of another instance on the
same transport, as a worker on another machine would: over Redis (the local server, db 15)
and over the embedded SQLite queue.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from customlabels.config import Settings
from customlabels.errors import ServiceUnavailable
from customlabels.jobs.queue import JobQueue, open_queue
from customlabels.services import datasets, projects, runner
from customlabels.services.context import Context, open_context
from customlabels.services.imports.start import start_dataset_create
from customlabels.services.jobs import get_job

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_db() -> Iterator[str]:
    """Redis database 15, emptied before and after the test."""
    conn = redis.Redis.from_url(REDIS_URL)
    conn.flushdb()
    yield REDIS_URL
    conn.flushdb()
    conn.close()


@pytest.fixture
def photos(tmp_path: Path, shared_datasets: Path) -> Path:
    folder = tmp_path / "photos"
    for label in ("canvasshoes", "chunkysneakers"):
        (folder / label).mkdir(parents=True)
        for name in ("1.jpg", "2.jpg"):
            shutil.copy(shared_datasets / "shoes" / "train" / label / name, folder / label / name)
    return folder


def _start_import(ctx: Context, photos: Path) -> int:
    name = f"queued-{uuid.uuid4().hex[:8]}"
    projects.create_project(ctx, name)
    return start_dataset_create(
        ctx, name, "train", {"kind": "folder", "path": str(photos), "folder_labels": True}
    )


def _wait(ctx: Context, job_id: int, timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    while (status := get_job(ctx, job_id).status) not in ("SUCCEEDED", "FAILED"):
        assert time.monotonic() < deadline, f"job {job_id} is still {status}"
        time.sleep(0.05)
    return status


def _run_elsewhere(
    ctx: Context, producer: JobQueue, worker: JobQueue, worker_ctx: Context, job_id: int
) -> None:
    producer.enqueue(job_id)
    assert get_job(ctx, job_id).status == "QUEUED"
    assert producer.pending() == 1
    worker.start_consumer(lambda queued: runner.run_job(worker_ctx, queued))
    try:
        assert _wait(ctx, job_id) == "SUCCEEDED", get_job(ctx, job_id).message
    finally:
        worker.stop_consumer()
    assert producer.pending() == 0


@pytest.fixture
def worker_ctx(sqlite_ctx: Context) -> Iterator[Context]:
    """A second context on the same database and image store: the worker's own."""
    other = open_context(Settings(**sqlite_ctx.settings.model_dump()))
    yield other
    other.close()


def test_redis_job_enqueued_by_one_queue_is_run_by_another_queues_worker(
    sqlite_ctx: Context, worker_ctx: Context, photos: Path, redis_db: str, tmp_path: Path
) -> None:
    job_id = _start_import(sqlite_ctx, photos)
    producer = open_queue(redis_db, tmp_path / "producer")
    worker = open_queue(redis_db, tmp_path / "worker")
    _run_elsewhere(sqlite_ctx, producer, worker, worker_ctx, job_id)
    job = get_job(sqlite_ctx, job_id)
    assert job.done == job.total == 4
    project = projects.list_projects(sqlite_ctx)[0].name
    info = datasets.describe_dataset(sqlite_ctx, project, "train")
    assert info.status == "CREATE_COMPLETE"
    assert info.stats.total_entries == info.stats.labeled_entries == 4
    assert not (tmp_path / "producer" / "queue.db").exists()  # Redis, no SQLite fallback


def test_sqlite_job_enqueued_by_one_queue_is_run_by_another_queues_worker(
    sqlite_ctx: Context, worker_ctx: Context, photos: Path
) -> None:
    job_id = _start_import(sqlite_ctx, photos)
    data_dir = sqlite_ctx.settings.data_dir
    producer = open_queue(None, data_dir)
    worker = open_queue(None, data_dir)
    assert producer is not worker
    _run_elsewhere(sqlite_ctx, producer, worker, worker_ctx, job_id)
    assert (data_dir / "queue.db").exists()


def test_redis_job_runs_on_postgresql_too(
    postgres_url: str, photos: Path, redis_db: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url)
    ctx = open_context(settings)
    worker_ctx = open_context(Settings(**settings.model_dump()))
    try:
        job_id = _start_import(ctx, photos)
        producer = open_queue(redis_db, tmp_path)
        worker = open_queue(redis_db, tmp_path)
        _run_elsewhere(ctx, producer, worker, worker_ctx, job_id)
    finally:
        worker_ctx.close()
        ctx.close()


def test_unreachable_redis_is_a_clear_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(ServiceUnavailable) as raised:
        open_queue("redis://127.0.0.1:1/0", tmp_path)
    assert "redis://127.0.0.1:1/0" in raised.value.message
    assert raised.value.status == 503
    assert not (tmp_path / "queue.db").exists()


def test_deployments_sharing_one_redis_under_different_queue_names_never_see_each_others_jobs(
    redis_db: str, tmp_path: Path
) -> None:
    staging = open_queue(redis_db, tmp_path / "staging", "customlabels-staging")
    production = open_queue(redis_db, tmp_path / "production", "customlabels-production")
    staging.enqueue(41)
    staging.enqueue(42)
    assert (staging.pending(), production.pending()) == (2, 0)
    production_too = open_queue(redis_db, tmp_path / "elsewhere", "customlabels-production")
    production_too.enqueue(7)
    assert (staging.pending(), production.pending()) == (2, 1)
