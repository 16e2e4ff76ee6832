"""Jobs whose worker died: resumed or failed with a reason, never left RUNNING.

A RUNNING job is dead when its lock file on this machine is left unheld (its process was
killed: ``jobs.running_lock``) or its lease ran out (no heartbeat for ``job_lease_s``,
wherever it ran; for an upload session, no request for ``upload_idle_s``). Then:

- imports (``dataset.create``, ``dataset.update``: folders, manifests, buckets, copies,
  syncs) are idempotent, so a worker starting resumes them once, under the same job id
  (so its unparseable lines keep their names); dying a second time fails them;
- every other kind (uploads, splits, exports, trainings, pre-labelling) ends FAILED with
  the reason, and a dataset it was writing says CREATE_FAILED or UPDATE_FAILED (a split:
  TRAIN and TEST both);
- a QUEUED job that no queue holds (its process died between recording and queueing it,
  or after a worker took it off the queue) is queued again: it never started.

Request paths that a dead job would block (deletes, new imports) fail the project's dead
jobs first (:func:`fail_dead_jobs`); they have no queue to resume them on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from customlabels.db.tables import Dataset, Job, utcnow
from customlabels.services.context import Context
from customlabels.services.jobs import dead_lock_files

log = logging.getLogger(__name__)

INTERRUPTED = "the worker running it stopped (killed or crashed)"
UPLOAD = "dataset.upload"
RESUMABLE = ("dataset.create", "dataset.update")
DATASET_WRITERS = (*RESUMABLE, UPLOAD)
DISTRIBUTE = "dataset.distribute"  # marks TRAIN and TEST both
# A job that killed its worker twice is likely to kill the next one too.
MAX_RESUMES = 1


@dataclass
class Recovered:
    resumed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Dead:
    job: Job
    reason: str
    lock_files: list[str]


def _dead_jobs(ctx: Context, session: Session, project_id: int | None) -> list[_Dead]:
    now = utcnow()
    lease_cut = now - timedelta(seconds=ctx.settings.job_lease_s)
    idle_cut = now - timedelta(seconds=ctx.settings.upload_idle_s)
    query = select(Job).where(Job.status == "RUNNING")
    if project_id is not None:
        query = query.where(Job.project_id == project_id)
    # Two workers starting at once on PostgreSQL: each takes the rows the other did not.
    query = query.order_by(Job.id).with_for_update(skip_locked=True)
    dead = []
    for job in session.scalars(query).all():
        locks = dead_lock_files(ctx, job.id)
        upload = job.kind == UPLOAD
        if locks:
            reason = (
                "the server receiving it stopped (killed or crashed) during a request"
                if upload
                else INTERRUPTED
            )
        elif job.heartbeat_at is None or job.heartbeat_at < (idle_cut if upload else lease_cut):
            reason = (
                f"no request came for {ctx.settings.upload_idle_s:g} s and the client never "
                "finished the upload"
                if upload
                else f"{INTERRUPTED}: its lease of {ctx.settings.job_lease_s:g} s ran out"
            )
        else:
            continue
        dead.append(_Dead(job, reason, locks))
    return dead


def _dataset_of(session: Session, job: Job) -> Dataset | None:
    if job.dataset_id is None or job.kind not in DATASET_WRITERS:
        return None
    return session.get(Dataset, job.dataset_id)


def _creating(job: Job, dataset: Dataset) -> bool:
    return job.kind == "dataset.create" or dataset.status.startswith("CREATE_")


def _fail(session: Session, dead: _Dead) -> None:
    job = dead.job
    upload = job.kind == UPLOAD
    advice = "; upload the files again to resume it" if upload else ""
    job.status, job.finished_at = "FAILED", utcnow()
    job.message = f"interrupted: {dead.reason}{advice}"
    if job.kind == DISTRIBUTE:
        _fail_distribution(session, job, dead.reason)
        return
    dataset = _dataset_of(session, job)
    if dataset is None:
        return
    creating = _creating(job, dataset)
    what = "upload" if upload else ("creation" if creating else "update")
    if not upload and creating:
        advice = "; create it again to resume the import"
    dataset.status = "CREATE_FAILED" if creating else "UPDATE_FAILED"
    dataset.status_message = (
        f"The dataset {what} did not finish after {job.done} files: {dead.reason}{advice}."
    )
    dataset.status_message_code = "SERVICE_ERROR"
    dataset.updated_at = utcnow()


def _fail_distribution(session: Session, job: Job, reason: str) -> None:
    """Both datasets a distribution marked say it failed; entries move in one transaction,
    so none moved and distributing again starts afresh."""
    if job.project_id is None:
        return
    marked = session.scalars(
        select(Dataset).where(
            Dataset.project_id == job.project_id, Dataset.status == "UPDATE_IN_PROGRESS"
        )
    ).all()
    for dataset in marked:
        dataset.status = "UPDATE_FAILED"
        dataset.status_message = (
            f"The distribution did not finish: {reason}; nothing was moved, distribute again."
        )
        dataset.status_message_code = "SERVICE_ERROR"
        dataset.updated_at = utcnow()


def _resume(session: Session, dead: _Dead) -> None:
    job = dead.job
    job.params = {**(job.params or {}), "resumes": int((job.params or {}).get("resumes", 0)) + 1}
    job.status, job.heartbeat_at = "QUEUED", None
    job.message = f"resumed: {dead.reason}"
    dataset = _dataset_of(session, job)
    if dataset is not None:
        creating = _creating(job, dataset)
        dataset.status = "CREATE_IN_PROGRESS" if creating else "UPDATE_IN_PROGRESS"
        dataset.status_message = f"The import was resumed: {dead.reason}."
        dataset.status_message_code = "SUCCESS"
        dataset.updated_at = utcnow()


def _remove(paths: Iterable[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # another recovery removed it
            os.unlink(path)


def fail_dead_jobs(ctx: Context, session: Session, project_id: int) -> list[int]:
    """Fail the project's dead jobs in ``session`` (a request's); returns their ids."""
    dead = _dead_jobs(ctx, session, project_id)
    for found in dead:
        _fail(session, found)
    session.flush()
    _remove(path for found in dead for path in found.lock_files)
    return [found.job.id for found in dead]


def recover_jobs(
    ctx: Context,
    enqueue: Callable[[int, str], None],
    queued_ids: Callable[[], set[int]],
) -> Recovered:
    """Resume or fail every dead job, and queue again the QUEUED jobs no queue holds.

    ``enqueue(job_id, kind)`` puts a job on its lane; ``queued_ids()`` are the job ids the
    queue holds. Run when a worker or ``serve`` starts, and then now and again.
    """
    outcome = Recovered()
    with ctx.db.write() as session:
        dead = _dead_jobs(ctx, session, None)
        for found in dead:
            resumes = int((found.job.params or {}).get("resumes", 0))
            if found.job.kind in RESUMABLE and resumes < MAX_RESUMES:
                _resume(session, found)
                outcome.resumed.append(found.job.id)
            else:
                _fail(session, found)
                outcome.failed.append(found.job.id)
        kinds = {found.job.id: found.job.kind for found in dead}
    _remove(path for found in dead for path in found.lock_files)
    for job_id in outcome.resumed:
        enqueue(job_id, kinds[job_id])
    outcome.requeued = _requeue_orphans(ctx, enqueue, queued_ids)
    if dead:
        from customlabels.services.models.versions import reap_interrupted_trainings

        reap_interrupted_trainings(ctx)  # a failed training's version says so
        log.info(
            "jobs whose worker stopped: resumed %s, failed %s", outcome.resumed, outcome.failed
        )
    return outcome


def _requeue_orphans(
    ctx: Context, enqueue: Callable[[int, str], None], queued_ids: Callable[[], set[int]]
) -> list[int]:
    # Only jobs queued longer than a lease ago: a job recorded a moment ago may be on its
    # way to the queue. A copy queued twice runs once (``jobs.mark_running`` claims it).
    cut = utcnow() - timedelta(seconds=ctx.settings.job_lease_s)
    with ctx.db.read() as session:
        waiting = session.execute(
            select(Job.id, Job.kind).where(Job.status == "QUEUED", Job.created_at < cut)
        ).all()
    if not waiting:
        return []
    held = queued_ids()
    orphans = [(job_id, kind) for job_id, kind in waiting if job_id not in held]
    for job_id, kind in orphans:
        enqueue(job_id, kind)
    return [job_id for job_id, _ in orphans]


def recover_now_and_then(
    ctx: Context,
    enqueue: Callable[[int, str], None],
    queued_ids: Callable[[], set[int]],
    stop: threading.Event,
) -> threading.Thread:
    """Run :func:`recover_jobs` now, then on a thread every half lease until ``stop``, so a
    job whose worker died elsewhere is taken over without waiting for a restart."""
    recover_jobs(ctx, enqueue, queued_ids)
    every = min(ctx.settings.job_lease_s, ctx.settings.upload_idle_s) / 2

    def loop() -> None:
        while not stop.wait(every):
            try:
                recover_jobs(ctx, enqueue, queued_ids)
            except Exception:  # the database may be away for a moment; try again later
                log.warning("could not recover dead jobs", exc_info=True)

    thread = threading.Thread(target=loop, name="job-recovery", daemon=True)
    thread.start()
    return thread
