"""An import killed with SIGKILL and started again finishes without duplicates or losses.

Runs the real CLI in a subprocess on a SQLite data dir, kills it once the job has made
progress, and runs the same command again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from customlabels.config import Settings
from customlabels.errors import ResourceInUse
from customlabels.services import datasets, labels, projects
from customlabels.services.context import open_context
from customlabels.services.imports.start import start_dataset_create
from customlabels.services.jobs import get_job

from .helpers import all_entries

CLI = str(Path(sys.executable).parent / "customlabels")
# Enough that the import outlasts its first progress write (at most one each 0.5 s):
# with 300, a fast machine analysed the first batch of 256 within 0.5 s and the job
# reported done only at its end, too late to be killed mid-way.
IMAGES = 600
LABELS = ("boots", "heels", "sandals")


def _images(root: Path) -> None:
    rng = np.random.default_rng(7)
    for i in range(IMAGES):
        folder = root / LABELS[i % len(LABELS)]
        folder.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{i:03d}.jpg", quality=85)


def _kill_mid_way(command: list[str], data_dir: Path) -> int:
    """Start ``command``, SIGKILL it once its job has done some work; return done then."""
    env = dict(os.environ, CUSTOMLABELS_IMPORT_WORKERS="1")
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


def test_an_import_killed_mid_way_and_started_again_finishes_without_duplicates(tmp_path):
    src, data_dir = tmp_path / "src", tmp_path / "data"
    _images(src)
    dd = ["--data-dir", str(data_dir)]
    subprocess.run([CLI, "project", "create", "P", *dd], check=True, capture_output=True)
    command = [
        CLI,
        "dataset",
        "create",
        "P",
        "train",
        "--from-folder",
        str(src),
        "--folder-labels",
        *dd,
    ]
    done_at_kill = _kill_mid_way(command, data_dir)
    assert 0 < done_at_kill < IMAGES

    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"{IMAGES} entries" in again.stdout

    ctx = open_context(Settings(data_dir=data_dir))
    try:
        found = all_entries(ctx, "P", "train")
        refs = [v.source_ref for v in found]
        assert len(refs) == len(set(refs)) == IMAGES
        files = {f"file://{p.resolve().as_posix()}" for p in src.rglob("*.jpg")}
        assert set(refs) == files
        assert Counter(v.labels[0] for v in found) == {label: IMAGES // 3 for label in LABELS}
        for view in found:
            assert view.source_ref.split("/")[-2] == view.labels[0]
            assert view.asset is not None and not view.has_errors
        info = datasets.describe_dataset(ctx, "P", "train")
        assert (info.status, info.status_message_code) == ("CREATE_COMPLETE", "SUCCESS")
        assert (info.stats.total_entries, info.stats.labeled_entries) == (IMAGES, IMAGES)
        per_label = {d.name: d.entry_count for d in labels.dataset_labels(ctx, "P", "train")}
        assert per_label == {label: IMAGES // 3 for label in LABELS}
        first, second = get_job(ctx, 1), get_job(ctx, 2)
        assert first.status == "FAILED"  # marked when the second run found its runner dead
        assert second.status == "SUCCEEDED"
        # Work finished before the kill is not done again.
        assert second.result["created"] <= IMAGES - done_at_kill
        assert second.result["images_read"] < IMAGES
    finally:
        ctx.close()


def test_a_second_create_is_refused_while_the_first_is_queued(ctx, tmp_path):
    (tmp_path / "src").mkdir()
    projects.create_project(ctx, "p")
    source = {"kind": "folder", "path": str(tmp_path / "src")}
    start_dataset_create(ctx, "p", "train", source)
    with pytest.raises(ResourceInUse):
        start_dataset_create(ctx, "p", "train", source)
