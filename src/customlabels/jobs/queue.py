"""The job queue (huey): jobs are rows in the database; the queue carries only their ids.

The queue knows nothing of what a job does: whoever consumes it hands over a handler
(``services.runner.run_job`` bound to a context). Nothing silently runs inline: a
configured Redis that can't be reached is a start-up error.

Jobs travel in lanes, one huey queue each, so that a worker takes only the kinds it is
for: ``train`` (model trainings and pre-labelling, for a machine with a GPU) and
``default`` (everything else). ``customlabels worker --kinds train`` consumes one lane;
``serve``'s embedded worker consumes all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from customlabels.errors import InvalidInput, ServiceUnavailable

TASK_NAME = "customlabels.run_job"
DEFAULT_LANE = "default"
LANES = (DEFAULT_LANE, "train")


def lane_of(job_kind: str) -> str:
    """The lane a job of ``job_kind`` travels in: model jobs want the training machine."""
    return "train" if job_kind.startswith("model.") else DEFAULT_LANE


def check_lanes(lanes: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(lanes))
    unknown = [lane for lane in chosen if lane not in LANES]
    if unknown or not chosen:
        raise InvalidInput(f"unknown job kinds {unknown}: choose among {', '.join(LANES)}")
    return chosen


class _Lane:
    def __init__(self, huey: Huey, run: Callable[[int], None]) -> None:
        self.huey = huey
        self.task = huey.task(name=TASK_NAME, retries=0)(run)
        self.consumer: Consumer | None = None


class JobQueue:
    def __init__(self, hueys: dict[str, Huey]) -> None:
        self._handler: Callable[[int], object] | None = None
        self._lanes = {name: _Lane(huey, self._run) for name, huey in hueys.items()}

    @property
    def huey(self) -> Huey:
        """The default lane's huey."""
        return self._lanes[DEFAULT_LANE].huey

    def _run(self, job_id: int) -> None:
        if self._handler is None:
            raise RuntimeError("this queue has no job handler; start it with start_consumer")
        self._handler(job_id)

    def enqueue(self, job_id: int, lane: str = DEFAULT_LANE) -> None:
        self._lanes[lane].task(job_id)

    def enqueue_job(self, job_id: int, job_kind: str) -> None:
        """Queue a job in the lane its kind travels in."""
        self.enqueue(job_id, lane_of(job_kind))

    def pending(self, lane: str | None = None) -> int:
        names = [lane] if lane else list(self._lanes)
        return sum(self._lanes[name].huey.pending_count() for name in names)

    def queued_ids(self) -> set[int]:
        """The job ids waiting in every lane (read whole: a recovery's rare look)."""
        found: set[int] = set()
        for lane in self._lanes.values():
            for task in lane.huey.pending():
                if task.args:
                    found.add(int(task.args[0]))
        return found

    def start_consumer(
        self,
        handler: Callable[[int], object],
        workers: int = 1,
        lanes: Iterable[str] | None = None,
    ) -> None:
        """Consume jobs on threads of this process (``serve`` and ``worker``), from the
        given lanes (all by default), ``workers`` threads each."""
        self._handler = handler
        for name in check_lanes(lanes or LANES):
            lane = self._lanes[name]
            consumer = lane.huey.create_consumer(
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
            lane.consumer = consumer

    def stop_consumer(self) -> None:
        for lane in self._lanes.values():
            if lane.consumer is not None:
                lane.consumer.stop(graceful=True)
                lane.consumer = None


def _lane_name(name: str, lane: str) -> str:
    # The default lane keeps the queue's own name, so jobs queued before lanes existed run.
    return name if lane == DEFAULT_LANE else f"{name}.{lane}"


def open_queue(redis_url: str | None, data_dir: Path, name: str = "customlabels") -> JobQueue:
    """A SQLite queue in ``data_dir`` or a Redis queue at ``redis_url`` (checked now).

    ``name`` keeps deployments that share one Redis apart: a job id means a row in one
    deployment's database, and another's worker must never take it.
    """
    if redis_url:
        hueys: dict[str, Huey] = {
            lane: RedisHuey(_lane_name(name, lane), url=redis_url) for lane in LANES
        }
        try:
            hueys[DEFAULT_LANE].storage.conn.ping()
        except Exception as exc:
            raise ServiceUnavailable(
                f"job queue Redis at {redis_url} is unreachable: {exc}"
            ) from exc
        return JobQueue(hueys)
    data_dir.mkdir(parents=True, exist_ok=True)
    filename = str(data_dir / "queue.db")
    return JobQueue({lane: SqliteHuey(_lane_name(name, lane), filename=filename) for lane in LANES})
