"""Running a job by its kind: the one function every worker (and the CLI) calls."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from customlabels.db.tables import Dataset, Job, Project
from customlabels.errors import CustomLabelsError
from customlabels.services import actor
from customlabels.services.context import Context
from customlabels.services.datasets import set_status
from customlabels.services.exports import run_export
from customlabels.services.imports.outcome import import_outcome
from customlabels.services.imports.run import run_import
from customlabels.services.jobs import (
    JobInfo,
    Progress,
    get_job,
    mark_finished,
    mark_running,
    running_lock,
)
from customlabels.services.leases import JobLease
from customlabels.services.models.jobs import MODEL_JOBS
from customlabels.services.split import distribute, end_distribute

log = logging.getLogger(__name__)

# FormatError is a CustomLabelsError (formats raise errors of the one tree).
CLIENT_ERRORS = (CustomLabelsError, ValueError, OSError)


def run_job(ctx: Context, job_id: int) -> JobInfo:
    """Run job ``job_id`` to the end, recording its outcome; never raises for job failures."""
    with ctx.db.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise LookupError(f"no job {job_id}")
        kind, params, dataset_id = job.kind, dict(job.params), job.dataset_id
        project_name = session.scalar(select(Project.name).where(Project.id == job.project_id))
    # Held until the outcome is recorded: if this process is killed, the kernel frees it and
    # the job is taken over at once (see services.job_recovery); the lease tells the same
    # to other machines.
    with running_lock(ctx, job_id):
        if not mark_running(ctx, job_id):
            return get_job(ctx, job_id)  # not QUEUED any more: failed, stopped or taken
        requester = str(params.get(actor.REQUESTED_BY) or actor.SYSTEM)
        with JobLease(ctx, job_id), actor.acting_as(requester):
            return _run(ctx, job_id, kind, params, dataset_id, project_name)


def _run(
    ctx: Context,
    job_id: int,
    kind: str,
    params: dict[str, Any],
    dataset_id: int | None,
    project_name: str | None,
) -> JobInfo:
    progress = Progress(ctx, job_id)
    try:
        result, message = _dispatch(ctx, kind, params, dataset_id, project_name, progress)
    except Exception as exc:  # the job records every failure; the worker goes on
        client = isinstance(exc, CLIENT_ERRORS)
        if not client:
            log.exception("job %s (%s) failed", job_id, kind)
        text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        progress.flush()
        code = "CLIENT_ERROR" if client else "SERVICE_ERROR"
        fail_dataset_of_job(ctx, kind, dataset_id, text, code)
        mark_finished(ctx, job_id, ok=False, message=text)
        return get_job(ctx, job_id)
    progress.flush()
    mark_finished(ctx, job_id, ok=True, message=message, result=result)
    return get_job(ctx, job_id)


def _dispatch(
    ctx: Context,
    kind: str,
    params: dict[str, Any],
    dataset_id: int | None,
    project: str | None,
    progress: Progress,
) -> tuple[dict[str, Any], str]:
    if kind in MODEL_JOBS:
        return MODEL_JOBS[kind](ctx, params, progress)
    if kind in ("dataset.create", "dataset.update") and dataset_id is not None:
        summary, skipped = run_import(ctx, dataset_id, params["source"], progress)
        result: dict[str, Any] = {**summary.as_dict(), **skipped.as_result()}
        outcome = import_outcome(
            ctx, dataset_id, kind == "dataset.create", summary, skipped.describe()
        )
        set_status(ctx, dataset_id, outcome.status, outcome.message, outcome.code)
        return result, outcome.message
    if kind == "dataset.distribute" and project is not None:
        try:
            result = distribute(ctx, project, params.get("seed"), progress)
        except Exception as exc:
            said = exc.message if isinstance(exc, CustomLabelsError) else "the server failed"
            end_distribute(ctx, project, ok=False, message=said)
            raise
        message = f"moved {result['moved']} entries from TRAIN to TEST"
        end_distribute(ctx, project, ok=True, message=message)
        return result, message
    if kind == "dataset.export" and project is not None:
        result = run_export(
            ctx,
            project,
            params["type"],
            params["format"],
            params["out"],
            progress,
            overwrite=bool(params.get("overwrite")),  # older jobs have no such param
        )
        return result, f"exported {result['entries_written']} entries to {result['out']}"
    raise ValueError(f"unknown job kind {kind!r}")


def fail_dataset_of_job(
    ctx: Context, kind: str, dataset_id: int | None, text: str, code: str
) -> None:
    """Mark a dataset whose create/update job failed as CREATE_FAILED/UPDATE_FAILED."""
    if dataset_id is None or kind not in ("dataset.create", "dataset.update"):
        return
    with ctx.db.read() as session:
        if session.get(Dataset, dataset_id) is None:
            return
    status = "CREATE_FAILED" if kind == "dataset.create" else "UPDATE_FAILED"
    set_status(ctx, dataset_id, status, text, code)
