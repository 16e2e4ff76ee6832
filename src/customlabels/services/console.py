"""What the web console reads beyond the hosted API: overviews, job lists, filter counts.

Counts read the stored counters (``services/stats.py``) whenever the filter allows, so the
gallery's "N matching" costs one small read at a million entries; other filters count rows
through the same index scans as the listing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, union
from sqlalchemy.orm import Session

from customlabels.db.tables import (
    Box,
    Dataset,
    DatasetLabelStat,
    Entry,
    EntryLabel,
    Job,
    Label,
    Project,
)
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset
from customlabels.services.entry_query import EntryFilter, _entry_conditions
from customlabels.services.jobs import ACTIVE, JobInfo, job_info
from customlabels.services.projects import get_project


@dataclass(frozen=True)
class DatasetOverview:
    dataset_type: str
    status: str
    status_message: str
    total_entries: int
    labeled_entries: int
    error_entries: int


@dataclass(frozen=True)
class ProjectOverview:
    name: str
    created_at: datetime
    label_count: int
    active_jobs: int
    datasets: list[DatasetOverview]


@dataclass(frozen=True)
class FilterCount:
    count: int
    from_counters: bool


def project_overviews(
    ctx: Context, visible: ColumnElement[bool] | None = None
) -> list[ProjectOverview]:
    """Every project (or those ``visible`` selects) with its datasets' counters, label count
    and running jobs (newest first)."""
    query = select(Project.id, Project.name, Project.created_at).order_by(
        Project.created_at.desc(), Project.id.desc()
    )
    if visible is not None:
        query = query.where(visible)
    with ctx.db.read() as session:
        projects = session.execute(query).all()
        datasets: dict[int, list[DatasetOverview]] = {}
        for row in session.execute(
            select(
                Dataset.project_id,
                Dataset.dataset_type,
                Dataset.status,
                Dataset.status_message,
                Dataset.entry_count,
                Dataset.labeled_count,
                Dataset.error_count,
            ).order_by(Dataset.dataset_type.desc())
        ):
            datasets.setdefault(row[0], []).append(DatasetOverview(*row[1:]))
        labels = dict(
            session.execute(select(Label.project_id, func.count()).group_by(Label.project_id)).all()
        )
        jobs = dict(
            session.execute(
                select(Job.project_id, func.count())
                .where(Job.status.in_(ACTIVE))
                .group_by(Job.project_id)
            ).all()
        )
        return [
            ProjectOverview(
                name=name,
                created_at=created,
                label_count=int(labels.get(pid, 0)),
                active_jobs=int(jobs.get(pid, 0)),
                datasets=datasets.get(pid, []),
            )
            for pid, name, created in projects
        ]


def project_jobs(ctx: Context, project_name: str, limit: int = 20) -> list[JobInfo]:
    """The project's most recent jobs, newest first (running ones show live progress)."""
    with ctx.db.read() as session:
        project = get_project(session, project_name)
        rows = session.scalars(
            select(Job).where(Job.project_id == project.id).order_by(Job.id.desc()).limit(limit)
        ).all()
        return [job_info(j) for j in rows]


def _label_ids(session: Session, project_id: int, names: tuple[str, ...]) -> list[int]:
    return list(
        session.scalars(
            select(Label.id).where(Label.project_id == project_id, Label.name.in_(list(names)))
        ).all()
    )


def _from_counters(session: Session, dataset: Dataset, flt: EntryFilter) -> int | None:
    """The count from the stored counters, or None when the filter needs the rows."""
    only = {
        "labeled": flt.labeled,
        "has_errors": flt.has_errors,
        "labels": flt.contains_labels or None,
        "text": flt.source_ref_contains or None,
        "boxes": flt.has_boxes,
        "predicted": flt.predicted,
        "ids": flt.entry_ids,
    }
    used = {k for k, v in only.items() if v is not None}
    if not used:
        return dataset.entry_count
    if used == {"labeled"}:
        labeled = dataset.labeled_count
        return labeled if flt.labeled else dataset.entry_count - labeled
    if used == {"has_errors"}:
        errors = dataset.error_count
        return errors if flt.has_errors else dataset.entry_count - errors
    if used == {"labels"} and len(flt.contains_labels) == 1:
        # An entry matches a label by an image-level label or a box; with no boxes of that
        # label the image-level counter is exact.
        row = session.execute(
            select(DatasetLabelStat.entry_count, DatasetLabelStat.box_count)
            .join(Label, Label.id == DatasetLabelStat.label_id)
            .where(
                DatasetLabelStat.dataset_id == dataset.id,
                Label.project_id == dataset.project_id,
                Label.name == flt.contains_labels[0],
            )
        ).first()
        if row is None:
            return 0
        if not row[1]:
            return int(row[0])
    return None


def count_matching(ctx: Context, project: str, type_name: str, flt: EntryFilter) -> FilterCount:
    """How many entries match ``flt`` (for "select all N matching")."""
    with ctx.db.read() as session:
        dataset = get_dataset(session, project, type_name)
        quick = _from_counters(session, dataset, flt)
        if quick is not None:
            return FilterCount(quick, True)
        conditions = _entry_conditions(session, dataset.id, flt)
        if flt.contains_labels:
            label_ids = _label_ids(session, dataset.project_id, flt.contains_labels)
            if not label_ids:
                return FilterCount(0, False)
            matching = union(
                select(EntryLabel.entry_id).where(
                    EntryLabel.dataset_id == dataset.id, EntryLabel.label_id.in_(label_ids)
                ),
                select(Box.entry_id).where(
                    Box.dataset_id == dataset.id, Box.label_id.in_(label_ids)
                ),
            ).subquery()
            query = (
                select(func.count())
                .select_from(matching)
                .join(Entry, Entry.id == matching.c[0])
                .where(*conditions)
            )
        else:
            query = select(func.count()).select_from(Entry).where(*conditions)
        return FilterCount(int(session.scalar(query) or 0), False)
