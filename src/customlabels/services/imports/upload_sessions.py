"""Upload sessions: one ``dataset.upload`` job across the many requests of one upload.

A client opens a session, sends its files in as many requests as it likes, and finishes
it; only then does the dataset say CREATE_COMPLETE (or UPDATE_COMPLETE). Until then it
says CREATE_IN_PROGRESS / UPDATE_IN_PROGRESS and the job is RUNNING, held by the client:
each request renews the job's lease, and holds a lock file of its own while it stores
files. A server killed during a request (its lock file left unheld), or a client that
sends nothing for ``upload_idle_s``, leaves the session FAILED and the dataset
CREATE_FAILED / UPDATE_FAILED with the reason (``services.job_recovery``), never
"successfully created" with a part of the files. Sending the files again in a new session
resumes it: entries are keyed by source-ref, so what arrived is not stored twice.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy import select, update

from customlabels.db.tables import Dataset, Job, utcnow
from customlabels.errors import DatasetNotFound, InvalidInput, ResourceInUse
from customlabels.services import audit
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset, insert_dataset, set_status
from customlabels.services.imports.candidates import Candidate, IngestSummary
from customlabels.services.imports.ingest import Ingestor
from customlabels.services.imports.outcome import import_outcome
from customlabels.services.job_recovery import UPLOAD, fail_dead_jobs
from customlabels.services.job_titles import upload_title
from customlabels.services.jobs import (
    JobInfo,
    Progress,
    active_jobs_of_project,
    create_job,
    get_job,
    mark_finished,
    running_lock,
)
from customlabels.services.leases import JobLease, renew


class _SessionProgress(Progress):
    """Progress of one request of a session: adds to the job's counts, which other
    requests of the session add to as well."""

    def __init__(self, ctx: Context, job_id: int) -> None:
        super().__init__(ctx, job_id)
        self._written = (0, 0)

    def flush(self) -> None:
        self._last_write = time.monotonic()
        done, errors = self.done - self._written[0], self.errors - self._written[1]
        self._written = (self.done, self.errors)
        with self._ctx.db.write() as session:
            session.execute(
                update(Job)
                .where(Job.id == self.job_id)
                .values(
                    done=Job.done + done,
                    error_count=Job.error_count + errors,
                    heartbeat_at=utcnow(),
                )
            )


def open_session(ctx: Context, project: str, type_name: str, files: int | None = None) -> JobInfo:
    """Open an upload session on the dataset (created when missing); returns its job.

    ``files``, the number of files the client is about to send, is the job's total (its
    progress) and goes in its title; a client that does not know it leaves it out."""
    if files is not None and files < 0:
        raise InvalidInput(f"files: expected the number of files to upload, got {files}")
    with ctx.db.write() as session:
        try:
            dataset = get_dataset(session, project, type_name)
        except DatasetNotFound:
            dataset = insert_dataset(
                session, project, type_name, status="CREATE_IN_PROGRESS", source={"kind": "upload"}
            )
        else:
            fail_dead_jobs(ctx, session, dataset.project_id)
            live = [
                j
                for j in active_jobs_of_project(session, dataset.project_id)
                if j.dataset_id == dataset.id
            ]
            if live:
                raise ResourceInUse(
                    f"the dataset is being changed by job {live[0].id} ({live[0].kind}); "
                    "wait for it, or finish that upload"
                )
            # A creation that failed (a killed upload or import) is finished by this upload.
            creating = dataset.status in ("CREATE_IN_PROGRESS", "CREATE_FAILED")
            dataset.status = "CREATE_IN_PROGRESS" if creating else "UPDATE_IN_PROGRESS"
        dataset.status_message = "Files are being uploaded"
        dataset.status_message_code = "SUCCESS"
        job = create_job(
            session,
            UPLOAD,
            {"session": True},
            title=upload_title(dataset.dataset_type, files),
            project_id=dataset.project_id,
            dataset_id=dataset.id,
        )
        job.status, job.started_at, job.heartbeat_at = "RUNNING", utcnow(), utcnow()
        job.total = files
        session.flush()
        job_id = job.id
    return get_job(ctx, job_id)


def _open_job(ctx: Context, project: str, type_name: str, job_id: int) -> tuple[int, int]:
    """(dataset id, project id) of an open session of this dataset; refused otherwise."""
    with ctx.db.read() as session:
        dataset = get_dataset(session, project, type_name)
        job = session.get(Job, job_id)
        if job is None or job.kind != UPLOAD or job.dataset_id != dataset.id:
            raise InvalidInput(f"no upload session {job_id} for this dataset")
        if job.status != "RUNNING":
            raise ResourceInUse(
                f"upload session {job_id} is {job.status} ({job.message}); open a new one"
            )
        return dataset.id, dataset.project_id


def add_files(
    ctx: Context, project: str, type_name: str, job_id: int, candidates: list[Candidate]
) -> IngestSummary:
    """Store one request's files in an open session."""
    dataset_id, project_id = _open_job(ctx, project, type_name, job_id)
    renew(ctx, job_id)
    progress = _SessionProgress(ctx, job_id)
    # The request's own lock: killed while storing, this process leaves it unheld, and the
    # session is failed at once instead of when the client gives up.
    with running_lock(ctx, job_id, holder=uuid.uuid4().hex), JobLease(ctx, job_id):
        summary = Ingestor(ctx, dataset_id, project_id, progress).run(candidates)
        progress.flush()
        _add_result(ctx, job_id, summary.as_dict())
    return summary


def _add_result(ctx: Context, job_id: int, figures: dict[str, Any]) -> None:
    with ctx.db.write() as session:
        job = session.scalars(select(Job).where(Job.id == job_id).with_for_update()).one()
        total = dict(job.result or {})
        for name, value in figures.items():
            if isinstance(value, int):
                total[name] = int(total.get(name, 0)) + value
        job.result = total


def fail_session(ctx: Context, job_id: int, message: str) -> None:
    """A request of the session failed: the session and its dataset say so."""
    with ctx.db.read() as session:
        job = session.get(Job, job_id)
        dataset = session.get(Dataset, job.dataset_id) if job and job.dataset_id else None
        creating = dataset is not None and dataset.status.startswith("CREATE_")
    mark_finished(ctx, job_id, ok=False, message=message)
    if dataset is not None:
        status = "CREATE_FAILED" if creating else "UPDATE_FAILED"
        set_status(ctx, dataset.id, status, f"The upload failed: {message}", "SERVICE_ERROR")


def finish_session(
    ctx: Context, project: str, type_name: str, job_id: int, extra: dict[str, Any] | None = None
) -> JobInfo:
    """The client sent every file: the session succeeds and the dataset is complete."""
    dataset_id, _ = _open_job(ctx, project, type_name, job_id)
    with ctx.db.read() as session:
        job = session.get(Job, job_id)
        dataset = session.get(Dataset, dataset_id)
        assert job is not None and dataset is not None
        figures, creating = dict(job.result or {}), dataset.status.startswith("CREATE_")
    entries, errors = int(figures.get("entries", 0)), int(figures.get("with_errors", 0))
    message = f"uploaded {entries} files, {errors} with errors"
    mark_finished(ctx, job_id, ok=True, message=message, result={**figures, **(extra or {})})
    # The rule every import follows: nothing usable uploaded is a failed dataset.
    outcome = import_outcome(
        ctx, dataset_id, creating, IngestSummary(entries=entries, with_errors=errors), ""
    )
    if outcome.code == "SUCCESS":
        verb = "created" if creating else "updated"
        text = f"The dataset was successfully {verb}: {message}."
        set_status(ctx, dataset_id, outcome.status, text)
    else:
        set_status(ctx, dataset_id, outcome.status, outcome.message, outcome.code)
    with ctx.db.write() as session:  # after the fact: the files are stored, whatever happens
        dataset = session.get(Dataset, dataset_id)
        if dataset is not None:
            audit.record(
                session,
                "dataset.upload",
                dataset=dataset,
                detail={"entries": entries, "with_errors": errors, "job_id": job_id},
            )
    return get_job(ctx, job_id)
