"""A worker killed (SIGKILL) in the middle of a training leaves the version
TRAINING_FAILED with a reason once the next worker starts: never in progress for ever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("customlabels.training")

from sqlalchemy import select  # noqa: E402
from tests.models.helpers import labelled_project  # noqa: E402

from customlabels.config import Settings  # noqa: E402
from customlabels.db.tables import ModelVersion  # noqa: E402
from customlabels.jobs.queue import open_queue  # noqa: E402
from customlabels.services.context import open_context  # noqa: E402
from customlabels.services.jobs import get_job  # noqa: E402
from customlabels.services.models import versions  # noqa: E402

EXECUTABLE = Path(sys.executable).with_name("customlabels")


def _stored_status(ctx, version_id: int) -> str | None:
    """The status as stored, read without the reaping that describing a version does."""
    with ctx.db.read() as session:
        return session.scalar(select(ModelVersion.status).where(ModelVersion.id == version_id))


def _worker(data_dir: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
    return subprocess.Popen(
        [str(EXECUTABLE), "worker", "--kinds", "train", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def test_a_training_whose_worker_was_killed_fails_when_the_next_worker_starts(tmp_path):
    data_dir = tmp_path / "data"
    ctx = open_context(Settings(data_dir=data_dir))
    labelled_project(ctx, "doomed", {"red": 10, "blue": 10})
    info = versions.create_version(ctx, "doomed", config={"epochs": 500, "image_size": 64})
    assert info.job_id is not None
    open_queue(None, data_dir).enqueue_job(info.job_id, versions.TRAIN_JOB)
    worker = _worker(data_dir)
    try:
        deadline = time.monotonic() + 120
        while True:
            progress = versions.describe_version(ctx, "doomed", info.name).progress or {}
            if progress.get("epoch"):
                break
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            assert time.monotonic() < deadline, "the training never reached an epoch"
            time.sleep(0.1)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
        if worker.stdout:
            worker.stdout.close()
    assert _stored_status(ctx, info.id) == "TRAINING_IN_PROGRESS"
    successor = _worker(data_dir)
    try:
        assert successor.stdout is not None
        assert "worker started" in successor.stdout.readline()
        assert _stored_status(ctx, info.id) == "TRAINING_FAILED"
        after = versions.describe_version(ctx, "doomed", info.name)
    finally:
        successor.send_signal(signal.SIGTERM)
        successor.wait(20)
        if successor.stdout:
            successor.stdout.close()
    assert after.status == "TRAINING_FAILED"
    assert "interrupted" in after.status_message
    assert get_job(ctx, info.job_id).status == "FAILED"
    ctx.close()
