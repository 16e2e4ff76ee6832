"""Handing a created job to the queue, all or nothing.

Starting a job is two changes in two systems: the job's row (with its dataset's status) is
committed to the database, then the job's id is put on the queue. No transaction spans
both, so a queue that refuses the id (Redis gone since start-up, a full disk) is answered
by undoing the first change's effect: the job is recorded FAILED and its dataset
CREATE_FAILED or UPDATE_FAILED, instead of a QUEUED job that never runs and blocks
deleting its project for ever. A creation that failed this way can be started again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from customlabels.errors import ServiceUnavailable
from customlabels.services.context import Context
from customlabels.services.jobs import JobInfo, get_job, mark_finished
from customlabels.services.runner import fail_dataset_of_job

if TYPE_CHECKING:  # the queue's module imports huey; the CLI imports this lazily anyway
    from customlabels.jobs.queue import JobQueue

log = logging.getLogger(__name__)


def submit_job(ctx: Context, queue: JobQueue, job_id: int) -> JobInfo:
    """Queue job ``job_id`` for a worker; if the queue refuses it, record it failed and raise."""
    try:
        queue.enqueue_job(job_id, get_job(ctx, job_id).kind)
    except Exception as exc:
        record_unqueued(ctx, job_id, exc)
        raise ServiceUnavailable(
            f"the job queue refused job {job_id}: {exc}; it was recorded as failed"
        ) from exc
    return get_job(ctx, job_id)


def record_unqueued(ctx: Context, job_id: int, exc: BaseException) -> None:
    """Record that job ``job_id`` never reached a queue (and so will never run)."""
    log.warning("job %s could not be queued: %s", job_id, exc)
    text = f"the job could not be queued: {getattr(exc, 'message', None) or exc}"
    job = get_job(ctx, job_id)
    fail_dataset_of_job(ctx, job.kind, job.dataset_id, text, "SERVICE_ERROR")
    mark_finished(ctx, job_id, ok=False, message=text)
