"""The real app on a loopback port, on a thread, with the job queue's consumer running, as
``customlabels serve`` runs it: one way to serve it for the API, model and console tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from customlabels.app import create_app
from customlabels.jobs.queue import open_queue
from customlabels.services import runner
from customlabels.services.context import Context


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_app(ctx: Context, **uvicorn_options: Any) -> Iterator[str]:
    """Serve ``ctx`` until the block ends; yields the base URL. The caller closes ``ctx``."""
    queue = open_queue(None, ctx.settings.data_dir)
    queue.start_consumer(lambda job_id: runner.run_job(ctx, job_id))
    port = free_port()
    config = uvicorn.Config(
        create_app(ctx, queue), host="127.0.0.1", port=port, log_level="warning", **uvicorn_options
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        queue.stop_consumer()
