"""Starting imports: a dataset created from a source, or an existing one updated from one.

Each start checks the source, sets the dataset's status and records a job; a worker (or the
CLI, in-process) runs it through :func:`customlabels.services.imports.run.run_import`.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from customlabels.db.tables import Dataset
from customlabels.errors import AlreadyExists, ResourceInUse
from customlabels.services import audit
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset, insert_dataset
from customlabels.services.imports.sources import check_source
from customlabels.services.job_recovery import fail_dead_jobs
from customlabels.services.job_titles import import_title
from customlabels.services.jobs import active_jobs_of_project, create_job


def start_dataset_create(
    ctx: Context,
    project: str,
    type_name: str,
    source: dict[str, Any],
    *,
    shown_as: str | None = None,
) -> int:
    """Create the dataset (CREATE_IN_PROGRESS) and its import job; returns the job id.

    ``shown_as`` names the source in the job's title when the server keeps it under a name
    of its own (a manifest sent from the user's computer).

    Naming a dataset whose creation was interrupted (still CREATE_IN_PROGRESS with no live
    job, or CREATE_FAILED) starts the import again into it: imports are idempotent.
    """
    source = check_source(source)
    if source["kind"] == "dataset":
        with ctx.db.read() as session:
            get_dataset(session, source["project"], source["type"])  # fails when missing
    with ctx.db.write() as session:
        try:
            dataset = insert_dataset(
                session, project, type_name, status="CREATE_IN_PROGRESS", source=source
            )
        except AlreadyExists:
            resumable = _resumable(ctx, session, project, type_name)
            if resumable is None:
                raise
            dataset = resumable
            dataset.status = "CREATE_IN_PROGRESS"
            dataset.status_message = "Dataset creation resumed"
            dataset.source = source
        job = create_job(
            session,
            "dataset.create",
            {"source": source},
            title=import_title(dataset.dataset_type, source, creating=True, shown_as=shown_as),
            project_id=dataset.project_id,
            dataset_id=dataset.id,
        )
        return job.id


def _resumable(ctx: Context, session: Session, project: str, type_name: str) -> Dataset | None:
    """The dataset when its creation was interrupted or failed and may be started again."""
    dataset = get_dataset(session, project, type_name)
    if dataset.status not in ("CREATE_IN_PROGRESS", "CREATE_FAILED"):
        return None
    fail_dead_jobs(ctx, session, dataset.project_id)
    live = [
        j for j in active_jobs_of_project(session, dataset.project_id) if j.dataset_id == dataset.id
    ]
    if live:
        raise ResourceInUse(f"the dataset is still being created by job {live[0].id}; wait")
    return dataset


def start_dataset_update(
    ctx: Context,
    project: str,
    type_name: str,
    source: dict[str, Any],
    *,
    title: str | None = None,
    shown_as: str | None = None,
) -> int:
    """Add or replace entries of an existing dataset from a source (UpdateDatasetEntries).

    ``title`` replaces the job's usual one (a sync says so); ``shown_as`` as for a create."""
    source = check_source(source)
    with ctx.db.write() as session:
        dataset = get_dataset(session, project, type_name)
        fail_dead_jobs(ctx, session, dataset.project_id)
        live = [
            j
            for j in active_jobs_of_project(session, dataset.project_id)
            if j.dataset_id == dataset.id
        ]
        if live:
            raise ResourceInUse("the dataset is being changed by another job; wait for it")
        dataset.status = "UPDATE_IN_PROGRESS"
        dataset.status_message = "Dataset is being updated"
        job = create_job(
            session,
            "dataset.update",
            {"source": source},
            title=title
            or import_title(dataset.dataset_type, source, creating=False, shown_as=shown_as),
            project_id=dataset.project_id,
            dataset_id=dataset.id,
        )
        audit.record(
            session,
            "dataset.update",
            dataset=dataset,
            detail={"source": str(source.get("kind", "")), "job_id": job.id},
        )
        return job.id


def save_changes(ctx: Context, lines: list[str]) -> Path:
    """Keep JSON lines sent with a request as a file a job can read (in the data dir)."""
    folder = ctx.settings.data_dir / "changes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.manifest"
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line.replace("\n", " ").rstrip("\r") + "\n")
    return path
