"""An S3 import killed with SIGKILL and started again finishes without duplicates or losses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from customlabels.config import Settings
from customlabels.services import datasets
from customlabels.services.context import open_context
from customlabels.services.jobs import get_job

from .helpers import all_entries, png, put

CLI = str(Path(sys.executable).parent / "customlabels")
IMAGES = 700  # three batches of the ingestor, so a kill can land between two


def _kill_mid_way(command: list[str], data_dir: Path) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
    env.update(CUSTOMLABELS_IMPORT_WORKERS="1", CUSTOMLABELS_S3_MAX_CONCURRENCY="2")
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    ctx = open_context(Settings(data_dir=data_dir))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the import finished before it could be killed"
            try:
                done = get_job(ctx, 1).done
            except Exception:  # the job row does not exist yet
                done = 0
            if done > 0:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return done
            time.sleep(0.01)
        pytest.fail("the import made no progress within 60 s")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        ctx.close()


def test_an_s3_import_killed_mid_way_and_started_again_finishes_without_duplicates(
    s3, new_bucket, tmp_path, aws_env
):
    bucket = new_bucket()
    put(s3, bucket, {f"p/l{i % 2}/{i:04d}.png": png((i % 256, i // 256, 9)) for i in range(IMAGES)})
    data_dir = tmp_path / "data"
    dd = ["--data-dir", str(data_dir)]
    subprocess.run([CLI, "project", "create", "P", *dd], check=True, capture_output=True)
    command = [CLI, "dataset", "create", "P", "train", "--from-s3", f"s3://{bucket}/p/",
               "--folder-labels", *dd]  # fmt: skip
    done_at_kill = _kill_mid_way(command, data_dir)
    assert 0 < done_at_kill < IMAGES

    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr

    ctx = open_context(Settings(data_dir=data_dir))
    try:
        found = all_entries(ctx, "P", "train")
        refs = [v.source_ref for v in found]
        assert len(refs) == len(set(refs)) == IMAGES
        assert all(v.asset is not None and not v.has_errors for v in found)
        info = datasets.describe_dataset(ctx, "P", "train")
        assert (info.status, info.stats.total_entries) == ("CREATE_COMPLETE", IMAGES)
        second = get_job(ctx, 2)
        assert second.status == "SUCCEEDED"
        # Keys imported before the kill are not downloaded again.
        assert second.result["unchanged"] >= done_at_kill
        assert second.result["downloaded"] <= IMAGES - done_at_kill
    finally:
        ctx.close()
