"""No process that a ``customlabels`` command starts outlives it, however the command ends.

Every process started for the command (the import's worker pool, its fork server and
resource tracker) inherits a marker in its environment; the tests count the live
processes that carry it.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image

from .conftest import EXECUTABLE

MARK = "CUSTOMLABELS_TEST_PROCESS_MARK"


def _photos(folder: Path, count: int) -> Path:
    """``count`` distinct small JPEGs (one encoded image, each with its own trailing bytes)."""
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (200, 90, 30)).save(buffer, "JPEG")
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"{i:05d}.jpg").write_bytes(buffer.getvalue() + i.to_bytes(4, "big"))
    return folder


def _marked(mark: str) -> list[int]:
    """Pids of the live (not zombie) processes whose environment carries ``mark``."""
    needle = f"{MARK}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


def _wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _import(tmp_path: Path, count: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``dataset create --from-folder`` of ``count`` photos on worker processes."""
    if not Path("/proc/self/environ").exists():
        pytest.skip("counting processes reads /proc, which this system does not have")
    mark = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
    env |= {
        MARK: mark,
        "CUSTOMLABELS_DATA_DIR": str(tmp_path / "data"),
        "CUSTOMLABELS_IMPORT_POOL": "processes",
    }
    subprocess.run(
        [str(EXECUTABLE), "project", "create", "p"], env=env, check=True, capture_output=True
    )
    photos = _photos(tmp_path / "photos", count)
    command = [str(EXECUTABLE), "dataset", "create", "p", "train", "--from-folder", str(photos)]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return child, mark


def test_an_import_killed_with_sigkill_leaves_none_of_its_processes_behind(tmp_path):
    child, mark = _import(tmp_path, 6000)
    # The command, its resource tracker, its fork server and at least one pool worker.
    assert _wait_until(lambda: len(_marked(mark)) >= 4, 60), _marked(mark)
    assert child.poll() is None, "the import ended before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert _wait_until(lambda: not _marked(mark), 10), f"still alive: {_marked(mark)}"


def test_an_import_that_ends_normally_leaves_none_of_its_processes_behind(tmp_path):
    child, mark = _import(tmp_path, 300)
    assert child.wait(timeout=120) == 0
    assert _wait_until(lambda: not _marked(mark), 10), f"still alive: {_marked(mark)}"
