"""Fixtures of the model tests: the app served over a data dir of the test's own."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from customlabels.app import create_app
from customlabels.config import Settings
from customlabels.jobs.queue import open_queue
from customlabels.services import runner
from customlabels.services.context import Context, open_context


@dataclass
class Served:
    client: httpx.Client
    ctx: Context


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path) -> Iterator[Served]:
    """customlabels on a loopback port over SQLite and a local store, with its worker."""
    ctx = open_context(Settings(data_dir=tmp_path / "data"))
    queue = open_queue(None, ctx.settings.data_dir)
    queue.start_consumer(lambda job_id: runner.run_job(ctx, job_id))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(ctx, queue), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=60) as client:
        yield Served(client, ctx)
    server.should_exit = True
    thread.join(10)
    queue.stop_consumer()
    ctx.close()
