"""Real ``customlabels serve`` and ``worker`` processes on a data dir, to be killed."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image
from tests.accounts import key_headers

from customlabels.config import Settings
from customlabels.services.context import open_context

from .conftest import EXECUTABLE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
    env["CUSTOMLABELS_DATA_DIR"] = str(data_dir)
    env["CUSTOMLABELS_IMPORT_WORKERS"] = "1"  # slow enough to be killed mid-way
    # The test's own folder (its photos lie beside the data dir) is where REST may import from.
    env["CUSTOMLABELS_IMPORT_ROOTS"] = json.dumps([str(data_dir.parent)])
    env.update({f"CUSTOMLABELS_{k.upper()}": v for k, v in settings.items()})
    return env


def admin_key(data_dir: Path) -> dict[str, str]:
    """An admin's API key on the data dir, made as `customlabels key create` makes one."""
    ctx = open_context(Settings(data_dir=data_dir))
    try:
        return key_headers(ctx)
    finally:
        ctx.close()


class Server:
    """``customlabels serve`` on a free loopback port; ``kill()`` sends SIGKILL."""

    def __init__(self, data_dir: Path, *options: str, **settings: str) -> None:
        self.port = free_port()
        command = [str(EXECUTABLE), "serve", "--port", str(self.port), *options]
        self.process = subprocess.Popen(
            command,
            env=environment(data_dir, **settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}/api/v1",
            timeout=60,
            headers=admin_key(data_dir),
        )
        wait_for(self._ready, 30, "the server did not start")

    def _ready(self) -> bool:
        assert self.process.poll() is None, "the server exited"
        try:
            return self.client.get("/projects").status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.client.close()

    def job(self, job_id: int) -> dict[str, Any]:
        response = self.client.get(f"/jobs/{job_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def dataset(self, project: str, kind: str) -> dict[str, Any]:
        response = self.client.get(f"/projects/{project}/datasets/{kind}")
        assert response.status_code == 200, response.text
        return dict(response.json())


class Worker:
    """``customlabels worker`` on a data dir (its SQLite queue)."""

    def __init__(self, data_dir: Path, **settings: str) -> None:
        self.process = subprocess.Popen(
            [str(EXECUTABLE), "worker"],
            env=environment(data_dir, **settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_for(condition: Callable[[], bool], timeout: float, failure: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(failure)


def noisy_jpegs(folder: Path, count: int, size: tuple[int, int] = (320, 240)) -> list[Path]:
    """``count`` distinct photos-like JPEGs (noise costs a real decode each)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    base = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(base).save(buffer, "JPEG", quality=85)
    paths = []
    for i in range(count):
        path = folder / f"{i:04d}.jpg"
        # One encoding, distinct bytes: a tail after the JPEG's end makes each its own asset.
        path.write_bytes(buffer.getvalue() + i.to_bytes(4, "big"))
        paths.append(path)
    return paths
