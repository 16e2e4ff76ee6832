"""Jobs: rows that record a long operation's status and progress.

Running a job is ``services.runner``'s business; this module creates jobs, reads them and
reports progress. A RUNNING job holds a lease: its worker renews the heartbeat while it runs
(``services.leases``), and holds a lock file on its machine; ``services.job_recovery``
resumes or fails a job whose lease ran out or whose lock holder died.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from customlabels.db.tables import Job, utcnow
from customlabels.errors import JobNotFound
from customlabels.services import actor
from customlabels.services.context import Context
from customlabels.services.sql_helpers import changed_rows

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
    title: str
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
        title=job.title or "",
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
    title: str,
    project_id: int | None = None,
    dataset_id: int | None = None,
) -> Job:
    """Record a job; ``title`` says what the user did (see ``services.job_titles``)."""
    if actor.is_set() and actor.REQUESTED_BY not in params:
        # The job runs later, elsewhere: its audit events name whoever queued it.
        params = {**params, actor.REQUESTED_BY: actor.current()}
    job = Job(kind=kind, title=title, params=params, project_id=project_id, dataset_id=dataset_id)
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


def mark_running(ctx: Context, job_id: int) -> bool:
    """Claim a QUEUED job for this process; False when it is not QUEUED any more (a
    recovery failed it, another worker took a second copy of its id, a user stopped it)."""
    with ctx.db.write() as session:
        claimed = changed_rows(
            session,
            update(Job)
            .where(Job.id == job_id, Job.status == "QUEUED")
            .values(status="RUNNING", started_at=utcnow(), heartbeat_at=utcnow()),
        )
        return claimed > 0


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


def _lock_path(ctx: Context, job_id: int, holder: str | None = None) -> str:
    name = f"{job_id}.lock" if holder is None else f"{job_id}.{holder}.lock"
    return os.path.join(ctx.settings.data_dir, LOCKS_DIR, name)


@contextmanager
def running_lock(ctx: Context, job_id: int, holder: str | None = None) -> Iterator[None]:
    """Hold an OS lock while this process runs ``job_id``; the kernel frees it if we die.

    Lets a RUNNING job whose runner was killed (SIGKILL, power loss of a laptop) be told
    from a live one at once on this machine, instead of when its lease runs out. Several
    holders of one job (the requests of an upload session) name themselves by ``holder``.
    The file appears under its name already locked (locked under a temporary name, then
    renamed), and is unlinked before it is unlocked: a lock file that can be locked and is
    still linked was left by a dead process.
    """
    if fcntl is None:
        yield
        return
    path = _lock_path(ctx, job_id, holder)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{uuid.uuid4().hex}.tmp"
    fd = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(temporary, path)
        try:
            yield
        finally:
            os.unlink(path)
    finally:
        os.close(fd)


def dead_lock_files(ctx: Context, job_id: int) -> list[str]:
    """The lock files of ``job_id`` on this machine whose holder died (none: run elsewhere,
    finished, or alive; the lease decides for other machines)."""
    if fcntl is None:
        return []
    folder = os.path.join(ctx.settings.data_dir, LOCKS_DIR)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    prefix = f"{job_id}."
    return [
        path
        for path in (os.path.join(folder, n) for n in names if n.startswith(prefix))
        if path.endswith(".lock") and _is_dead(path)
    ]


def _is_dead(path: str) -> bool:
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:  # gone: its holder finished
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: the runner is alive
    try:
        # Unlinked while we waited to open it: its holder finished normally.
        return os.fstat(fd).st_nlink > 0
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
