"""Jobs: rows that record a long operation's status and progress.

Running a job is ``services.runner``'s business; this module creates jobs, reads them and
reports progress. A RUNNING job writes a heartbeat as it goes: one whose heartbeat is older
than ``STALE_AFTER`` was killed and no longer blocks anything.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from customlabels.db.tables import Job, utcnow
from customlabels.errors import JobNotFound
from customlabels.services.context import Context

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: only the heartbeat tells a killed job
    fcntl = None  # type: ignore[assignment]

ACTIVE = ("QUEUED", "RUNNING")
STALE_AFTER = timedelta(seconds=120)
# Lock files (data_dir/running-jobs/<id>.lock) held by the process running each job.
LOCKS_DIR = "running-jobs"


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    status: str
    project_id: int | None
    dataset_id: int | None
    done: int
    total: int | None
    error_count: int
    message: str
    params: dict[str, Any]
    result: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in ("SUCCEEDED", "FAILED")


def job_info(job: Job) -> JobInfo:
    return JobInfo(
        id=job.id,
        kind=job.kind,
        status=job.status,
        project_id=job.project_id,
        dataset_id=job.dataset_id,
        done=job.done,
        total=job.total,
        error_count=job.error_count,
        message=job.message,
        params=dict(job.params or {}),
        result=dict(job.result or {}),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def create_job(
    session: Session,
    kind: str,
    params: dict[str, Any],
    *,
    project_id: int | None = None,
    dataset_id: int | None = None,
) -> Job:
    job = Job(kind=kind, params=params, project_id=project_id, dataset_id=dataset_id)
    session.add(job)
    session.flush()
    return job


def get_job(ctx: Context, job_id: int) -> JobInfo:
    with ctx.db.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise JobNotFound(f"no job {job_id}")
        return job_info(job)


def _running_alive() -> Any:
    """Running, with a heartbeat fresh enough that the job was not killed."""
    return (Job.status == "RUNNING") & (Job.heartbeat_at >= utcnow() - STALE_AFTER)


def active_jobs_of_project(session: Session, project_id: int) -> list[Job]:
    """Queued jobs, and running ones whose heartbeat is fresh."""
    return list(
        session.scalars(
            select(Job).where(
                Job.project_id == project_id, or_(Job.status == "QUEUED", _running_alive())
            )
        ).all()
    )


def first_running_job(session: Session) -> Job | None:
    """The oldest job of any project that runs with a fresh heartbeat."""
    return session.scalars(select(Job).where(_running_alive()).order_by(Job.id).limit(1)).first()


class Progress:
    """Counts a job's progress and writes it at most twice a second (and at the end)."""

    def __init__(self, ctx: Context, job_id: int, interval_s: float = 0.5) -> None:
        self._ctx = ctx
        self.job_id = job_id
        self.done = 0
        self.errors = 0
        self.total: int | None = None
        self._interval = interval_s
        self._last_write = 0.0

    def set_total(self, total: int | None) -> None:
        self.total = total
        self.flush()

    def advance(self, count: int = 1, errors: int = 0) -> None:
        self.done += count
        self.errors += errors
        if time.monotonic() - self._last_write >= self._interval:
            self.flush()

    def flush(self) -> None:
        self._last_write = time.monotonic()
        with self._ctx.db.write() as session:
            session.execute(
                update(Job)
                .where(Job.id == self.job_id)
                .values(
                    done=self.done,
                    total=self.total,
                    error_count=self.errors,
                    heartbeat_at=utcnow(),
                )
            )


def mark_running(ctx: Context, job_id: int) -> None:
    with ctx.db.write() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="RUNNING", started_at=utcnow(), heartbeat_at=utcnow())
        )


def mark_finished(
    ctx: Context, job_id: int, *, ok: bool, message: str, result: dict[str, Any] | None = None
) -> None:
    with ctx.db.write() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="SUCCEEDED" if ok else "FAILED",
                message=message,
                result=result or {},
                finished_at=utcnow(),
                heartbeat_at=utcnow(),
            )
        )


def _lock_path(ctx: Context, job_id: int) -> str:
    return os.path.join(ctx.settings.data_dir, LOCKS_DIR, f"{job_id}.lock")


@contextmanager
def running_lock(ctx: Context, job_id: int) -> Iterator[None]:
    """Hold an OS lock while this process runs ``job_id``; the kernel frees it if we die.

    Lets a RUNNING job whose runner was killed (SIGKILL, power loss of a laptop) be told
    from a live one at once on this machine, instead of after ``STALE_AFTER``.
    """
    if fcntl is None:
        yield
        return
    path = _lock_path(ctx, job_id)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            os.unlink(path)
    finally:
        os.close(fd)


def _runner_is_dead(ctx: Context, job_id: int) -> bool:
    """True when the job's lock file is here and nobody holds it: its runner was killed."""
    if fcntl is None:
        return False
    try:
        fd = os.open(_lock_path(ctx, job_id), os.O_RDWR)
    except OSError:  # no lock here: run elsewhere, or finished; the heartbeat decides
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: the runner is alive
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def reap_killed_jobs(ctx: Context, session: Session, project_id: int) -> None:
    """Mark FAILED the RUNNING jobs of a project whose runner on this machine was killed."""
    running = session.scalars(
        select(Job.id).where(Job.project_id == project_id, Job.status == "RUNNING")
    ).all()
    dead = [job_id for job_id in running if _runner_is_dead(ctx, job_id)]
    if dead:
        session.execute(
            update(Job)
            .where(Job.id.in_(dead), Job.status == "RUNNING")
            .values(
                status="FAILED",
                message="interrupted: the process running this job was killed",
                finished_at=utcnow(),
            )
        )
