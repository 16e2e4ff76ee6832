"""Datasets: the TRAIN and TEST set of a project, with the hosted service's statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from customlabels.db.tables import Dataset, DatasetLabelStat, Label, utcnow
from customlabels.errors import AlreadyExists, DatasetNotFound, ResourceInUse
from customlabels.services import audit
from customlabels.services.context import Context
from customlabels.services.job_recovery import fail_dead_jobs
from customlabels.services.jobs import active_jobs_of_project
from customlabels.services.names import dataset_type
from customlabels.services.projects import get_project


@dataclass(frozen=True)
class DatasetStats:
    labeled_entries: int
    total_entries: int
    total_labels: int
    error_entries: int


@dataclass(frozen=True)
class DatasetInfo:
    id: int
    project: str
    dataset_type: str
    status: str
    status_message: str
    status_message_code: str
    created_at: datetime
    updated_at: datetime
    stats: DatasetStats
    source: dict[str, Any]


def get_dataset(session: Session, project_name: str, type_name: str) -> Dataset:
    project = get_project(session, project_name)
    kind = dataset_type(type_name)
    dataset = session.scalar(
        select(Dataset).where(Dataset.project_id == project.id, Dataset.dataset_type == kind)
    )
    if dataset is None:
        raise DatasetNotFound(f"project {project_name!r} has no {kind} dataset")
    return dataset


def dataset_info(session: Session, dataset: Dataset, project_name: str) -> DatasetInfo:
    used_labels = session.scalar(
        select(func.count()).where(
            DatasetLabelStat.dataset_id == dataset.id,
            (DatasetLabelStat.entry_count > 0) | (DatasetLabelStat.box_count > 0),
        )
    )
    return DatasetInfo(
        id=dataset.id,
        project=project_name,
        dataset_type=dataset.dataset_type,
        status=dataset.status,
        status_message=dataset.status_message,
        status_message_code=dataset.status_message_code,
        created_at=dataset.created_at,
        updated_at=dataset.updated_at,
        stats=DatasetStats(
            labeled_entries=dataset.labeled_count,
            total_entries=dataset.entry_count,
            total_labels=used_labels or 0,
            error_entries=dataset.error_count,
        ),
        source=dict(dataset.source or {}),
    )


def describe_dataset(ctx: Context, project_name: str, type_name: str) -> DatasetInfo:
    with ctx.db.read() as session:
        return dataset_info(session, get_dataset(session, project_name, type_name), project_name)


def insert_dataset(
    session: Session, project_name: str, type_name: str, *, status: str, source: dict[str, Any]
) -> Dataset:
    project = get_project(session, project_name)
    kind = dataset_type(type_name)
    existing = session.scalar(
        select(Dataset.id).where(Dataset.project_id == project.id, Dataset.dataset_type == kind)
    )
    if existing is not None:
        raise AlreadyExists(f"project {project_name!r} already has a {kind} dataset")
    dataset = Dataset(
        project_id=project.id,
        dataset_type=kind,
        status=status,
        source=source,
        status_message="Dataset is being created"
        if status == "CREATE_IN_PROGRESS"
        else "The dataset was successfully created.",
        status_message_code="SUCCESS",
    )
    session.add(dataset)
    try:
        session.flush()
    except IntegrityError:
        raise AlreadyExists(f"project {project_name!r} already has a {kind} dataset") from None
    audit.record(
        session,
        "dataset.create",
        project=project,
        dataset=dataset,
        detail={"source": str((source or {}).get("kind", ""))},
    )
    return dataset


def create_empty_dataset(ctx: Context, project_name: str, type_name: str) -> DatasetInfo:
    with ctx.db.write() as session:
        dataset = insert_dataset(
            session, project_name, type_name, status="CREATE_COMPLETE", source={"kind": "empty"}
        )
        return dataset_info(session, dataset, project_name)


def set_status(
    ctx: Context, dataset_id: int, status: str, message: str, code: str = "SUCCESS"
) -> None:
    with ctx.db.write() as session:
        session.execute(
            update(Dataset)
            .where(Dataset.id == dataset_id)
            .values(
                status=status,
                status_message=message,
                status_message_code=code,
                updated_at=utcnow(),
            )
        )


def delete_dataset(ctx: Context, project_name: str, type_name: str) -> None:
    with ctx.db.write() as session:
        dataset = get_dataset(session, project_name, type_name)
        fail_dead_jobs(ctx, session, dataset.project_id)  # a dead job blocks nothing
        running = [
            j
            for j in active_jobs_of_project(session, dataset.project_id)
            if j.dataset_id == dataset.id
        ]
        if running:
            raise ResourceInUse(
                f"the {dataset.dataset_type} dataset of {project_name!r} has a running job "
                f"(id {running[0].id}); wait for it to finish"
            )
        audit.record(
            session, "dataset.delete", dataset=dataset, detail={"entries": dataset.entry_count}
        )
        session.execute(delete(Dataset).where(Dataset.id == dataset.id))


def project_label_names(session: Session, project_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Label.name).where(Label.project_id == project_id).order_by(Label.id)
        ).all()
    )
