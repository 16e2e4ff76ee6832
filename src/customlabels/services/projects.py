"""Projects: create, list, describe, delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from customlabels.db.tables import Dataset, Project
from customlabels.errors import AlreadyExists, ProjectNotFound, ResourceInUse
from customlabels.services import audit, tags
from customlabels.services.arns import project_arn
from customlabels.services.context import Context
from customlabels.services.job_recovery import fail_dead_jobs
from customlabels.services.jobs import active_jobs_of_project
from customlabels.services.names import check_project_name


@dataclass(frozen=True)
class DatasetSummary:
    dataset_type: str
    status: str
    status_message: str
    status_message_code: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    name: str
    created_at: datetime
    datasets: list[DatasetSummary]


def get_project(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        raise ProjectNotFound(f"no project {name!r}")
    return project


def _info(session: Session, project: Project) -> ProjectInfo:
    datasets = session.scalars(
        select(Dataset)
        .where(Dataset.project_id == project.id)
        .order_by(Dataset.dataset_type.desc())
    ).all()
    return ProjectInfo(
        id=project.id,
        name=project.name,
        created_at=project.created_at,
        datasets=[
            DatasetSummary(
                d.dataset_type,
                d.status,
                d.status_message,
                d.status_message_code,
                d.created_at,
                d.updated_at,
            )
            for d in datasets
        ],
    )


def create_project(ctx: Context, name: str) -> ProjectInfo:
    check_project_name(name)
    try:
        with ctx.db.write() as session:
            project = Project(name=name)
            session.add(project)
            session.flush()
            audit.record(session, "project.create", project=project)
            return _info(session, project)
    except IntegrityError:
        raise AlreadyExists(f"project {name!r} already exists") from None


def list_projects(ctx: Context, visible: ColumnElement[bool] | None = None) -> list[ProjectInfo]:
    """Every project, or those ``visible`` selects (services/project_access.py)."""
    query = select(Project).order_by(Project.created_at, Project.id)
    if visible is not None:
        query = query.where(visible)
    with ctx.db.read() as session:
        projects = session.scalars(query).all()
        return [_info(session, p) for p in projects]


def describe_project(ctx: Context, name: str) -> ProjectInfo:
    with ctx.db.read() as session:
        return _info(session, get_project(session, name))


def delete_project(ctx: Context, name: str) -> None:
    """Delete a project with its datasets, entries and labels; refused while a job runs on it."""
    with ctx.db.write() as session:
        project = get_project(session, name)
        fail_dead_jobs(ctx, session, project.id)  # a dead job blocks nothing
        running = active_jobs_of_project(session, project.id)
        if running:
            raise ResourceInUse(
                f"project {name!r} has a running job (id {running[0].id}, {running[0].kind}); "
                "wait for it to finish",
                {"job_ids": [j.id for j in running]},
            )
        # Recorded first: the event's project_id is then set to NULL, its name kept.
        audit.record(session, "project.delete", project=project)
        tags.forget(session, project_arn(project.name, project.created_at))
        session.execute(delete(Project).where(Project.id == project.id))
    ctx.auth_cache.forget_project(name)
