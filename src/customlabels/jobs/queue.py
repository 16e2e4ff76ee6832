"""The job queue (huey): jobs are rows in the database; the queue carries only their ids.

The queue knows nothing of what a job does: whoever consumes it hands over a handler
(``services.runner.run_job`` bound to a context). Nothing silently runs inline: a
configured Redis that can't be reached is a start-up error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from customlabels.errors import ServiceUnavailable

TASK_NAME = "customlabels.run_job"


class JobQueue:
    def __init__(self, huey: Huey) -> None:
        self.huey = huey
        self._handler: Callable[[int], object] | None = None
        self._task = huey.task(name=TASK_NAME, retries=0)(self._run)
        self._consumer: Consumer | None = None

    def _run(self, job_id: int) -> None:
        if self._handler is None:
            raise RuntimeError("this queue has no job handler; start it with start_consumer")
        self._handler(job_id)

    def enqueue(self, job_id: int) -> None:
        self._task(job_id)

    def pending(self) -> int:
        return int(self.huey.pending_count())

    def start_consumer(self, handler: Callable[[int], object], workers: int = 1) -> None:
        """Consume jobs on threads of this process (``serve`` and ``worker``)."""
        self._handler = handler
        consumer = self.huey.create_consumer(
            workers=workers,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=0.5,
            check_worker_health=False,
        )
        # Signal handling belongs to the process's owner (uvicorn or our CLI), not to a
        # consumer embedded in it; huey installs its own handlers in start() otherwise.
        consumer._set_signal_handlers = lambda: None
        consumer.start()
        self._consumer = consumer

    def stop_consumer(self) -> None:
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
            self._consumer = None


def open_queue(redis_url: str | None, data_dir: Path, name: str = "customlabels") -> JobQueue:
    """A SQLite queue in ``data_dir`` or a Redis queue at ``redis_url`` (checked now).

    ``name`` keeps deployments that share one Redis apart: a job id means a row in one
    deployment's database, and another's worker must never take it.
    """
    if redis_url:
        huey = RedisHuey(name, url=redis_url)
        try:
            huey.storage.conn.ping()
        except Exception as exc:
            raise ServiceUnavailable(
                f"job queue Redis at {redis_url} is unreachable: {exc}"
            ) from exc
        return JobQueue(huey)
    data_dir.mkdir(parents=True, exist_ok=True)
    return JobQueue(SqliteHuey(name, filename=str(data_dir / "queue.db")))
