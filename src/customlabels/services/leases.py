"""A running job's lease: its heartbeat, renewed on a thread while the job runs.

A job's steps may report no progress for long (an export writing one big file, a split in
one transaction, a first batch of slow downloads), so the lease is renewed by time, not by
progress: every quarter of ``job_lease_s``. A job whose heartbeat is older than the lease
has lost its worker (``services.job_recovery``), wherever that worker ran.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from sqlalchemy import update

from customlabels.db.tables import Job, utcnow
from customlabels.services.context import Context

log = logging.getLogger(__name__)


def renew(ctx: Context, job_id: int) -> None:
    """Renew the lease of a RUNNING job now (one that ended keeps its last heartbeat)."""
    with ctx.db.write() as session:
        running = (Job.id == job_id) & (Job.status == "RUNNING")
        session.execute(update(Job).where(running).values(heartbeat_at=utcnow()))


class JobLease:
    """``with JobLease(ctx, job_id):`` keeps the job's lease while the block runs."""

    def __init__(self, ctx: Context, job_id: int) -> None:
        self._ctx = ctx
        self._job_id = job_id
        self._every = ctx.settings.job_lease_s / 4
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job_id}-lease", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                renew(self._ctx, self._job_id)
            except Exception:  # a missed renewal is harmless while the next one is in time
                log.warning("could not renew the lease of job %s", self._job_id, exc_info=True)

    def __enter__(self) -> JobLease:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
