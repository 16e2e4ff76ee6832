"""Model versions: ask for a training, list, describe, delete, copy.

Asking for a training takes the snapshots and checks the rules at once, in the request:
a version that breaks a rule is TRAINING_FAILED before any job exists, with the hosted
service's message. Otherwise it is TRAINING_IN_PROGRESS with a ``model.train`` job, which
the caller queues (REST, ``--no-wait``) or runs (the CLI).

A project trains one version at a time: a second training is refused while one is in
progress (a killed worker's training is failed first, see ``reap_interrupted_trainings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from customlabels.db.tables import Job, ModelSnapshot, ModelVersion, Project, utcnow
from customlabels.errors import (
    AlreadyExists,
    InvalidInput,
    ResourceInUse,
    ResourceNotReady,
    VersionNotFound,
)
from customlabels.services import audit, tags
from customlabels.services.arns import version_arn
from customlabels.services.context import Context
from customlabels.services.job_recovery import fail_dead_jobs
from customlabels.services.job_titles import training_title
from customlabels.services.jobs import create_job
from customlabels.services.models import rules, snapshots
from customlabels.services.names import check_version_name
from customlabels.services.projects import get_project
from customlabels.services.sql_helpers import changed_rows

TRAINING = ("TRAINING_IN_PROGRESS", "STOPPING")
SERVING = ("STARTING", "RUNNING", "STOPPING")
TRAINED = ("TRAINING_COMPLETED", "STARTING", "RUNNING", "STOPPING", "STOPPED", "FAILED")
TRAIN_JOB = "model.train"
INTERRUPTED = (
    "Training was interrupted: the worker running it stopped before it finished "
    "(killed or lost). Train the model again."
)


@dataclass(frozen=True)
class SnapshotInfo:
    dataset_type: str
    entry_count: int
    label_count: int
    box_count: int
    held_out: bool
    blob_key: str


@dataclass(frozen=True)
class VersionInfo:
    id: int
    project_id: int
    project: str
    project_created_at: datetime
    name: str
    status: str
    status_message: str
    status_code: str | None
    task: str | None
    config: dict[str, Any]
    label_names: list[str]
    thresholds: list[float]
    evaluation: dict[str, Any] | None
    raw_scores_key: str | None
    artifact_key: str | None
    job_id: int | None
    progress: dict[str, Any] | None
    source_version_arn: str | None
    created_at: datetime
    training_started_at: datetime | None
    finished_at: datetime | None
    snapshots: dict[str, SnapshotInfo]

    @property
    def arn(self) -> str:
        return version_arn(self.project, self.project_created_at, self.name, self.created_at)

    @property
    def trained(self) -> bool:
        return self.status in TRAINED and self.artifact_key is not None


def version_info(session: Session, version: ModelVersion, project: Project) -> VersionInfo:
    progress = None
    if version.job_id is not None:
        progress = session.scalar(select(Job.progress).where(Job.id == version.job_id))
    snaps = session.scalars(
        select(ModelSnapshot).where(ModelSnapshot.version_id == version.id)
    ).all()
    return VersionInfo(
        id=version.id,
        project_id=project.id,
        project=project.name,
        project_created_at=project.created_at,
        name=version.name,
        status=version.status,
        status_message=version.status_message,
        status_code=version.status_code,
        task=version.task,
        config=dict(version.config or {}),
        label_names=list(version.label_names or []),
        thresholds=list(version.thresholds or []),
        evaluation=version.evaluation,
        raw_scores_key=version.raw_scores_key,
        artifact_key=version.artifact_key,
        job_id=version.job_id,
        progress=dict(progress) if progress else None,
        source_version_arn=version.source_version_arn,
        created_at=version.created_at,
        training_started_at=version.training_started_at,
        finished_at=version.finished_at,
        snapshots={
            s.dataset_type: SnapshotInfo(
                s.dataset_type, s.entry_count, s.label_count, s.box_count, s.held_out, s.blob_key
            )
            for s in snaps
        },
    )


def get_version(session: Session, project: Project, name: str) -> ModelVersion:
    version = session.scalar(
        select(ModelVersion).where(ModelVersion.project_id == project.id, ModelVersion.name == name)
    )
    if version is None:
        raise VersionNotFound(f"no model version {name!r} in project {project.name!r}")
    return version


def _next_name(session: Session, project_id: int) -> str:
    taken = set(
        session.scalars(select(ModelVersion.name).where(ModelVersion.project_id == project_id))
    )
    number = len(taken) + 1
    while f"v{number}" in taken:
        number += 1
    return f"v{number}"


def _check_config(config: dict[str, Any]) -> dict[str, Any]:
    """Refuse unknown or ill-typed training settings now, not in the worker an hour later;
    the version keeps what the user asked for (the job records the resolved settings)."""
    if not config:
        return {}
    # The training package's dataclasses import without torch.
    from customlabels.training import TrainConfig

    known = set(TrainConfig().to_dict())
    unknown = sorted(set(config) - known)
    if unknown:
        raise InvalidInput(f"unknown training settings {unknown}: use {', '.join(sorted(known))}")
    try:
        TrainConfig.from_dict(config)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"invalid training settings: {exc}") from None
    return dict(config)


def create_version(
    ctx: Context,
    project: str,
    name: str | None = None,
    config: dict[str, Any] | None = None,
) -> VersionInfo:
    """Snapshot the datasets, check the rules, and record a version (with its job unless a
    rule is broken: then TRAINING_FAILED with the hosted service's message)."""
    if name is not None:
        check_version_name(name)
    settings = _check_config(config or {})
    reap_interrupted_trainings(ctx)
    with ctx.db.read() as session:
        project_id = get_project(session, project).id
        train = snapshots.read_dataset(session, project_id, "TRAIN")
        test = snapshots.read_dataset(session, project_id, "TEST")
    failure: rules.RuleBroken | None = None
    plan: rules.Plan | None = None
    try:
        plan = rules.plan_training(
            train, test, max_labels=ctx.settings.max_model_labels, seed=int(settings.get("seed", 0))
        )
    except rules.RuleBroken as broken:
        failure = broken
    # Bytes before rows: a row never names a blob that isn't there.
    keys: dict[str, str] = {}
    if plan is not None:
        keys["TRAIN"] = snapshots.store(ctx.blobs, project_id, plan.train)
        keys["TEST"] = snapshots.store(ctx.blobs, project_id, plan.test)
    try:
        with ctx.db.write() as session:
            project_row = _lock_project(session, project)
            busy = _training_in_progress(session, project_row.id)
            if busy is not None:
                raise ResourceInUse(
                    f"project {project!r} is training version {busy.name!r}; wait for it to "
                    "finish or stop it",
                    {"version": busy.name},
                )
            version = ModelVersion(
                project_id=project_row.id,
                name=name or _next_name(session, project_row.id),
                status="TRAINING_FAILED" if failure else "TRAINING_IN_PROGRESS",
                status_message=failure.message if failure else "The model is being trained.",
                status_code=failure.code if failure else None,
                config=settings,
                finished_at=utcnow() if failure else None,
            )
            session.add(version)
            session.flush()
            if plan is not None:
                version.task = plan.task
                version.label_names = plan.label_names
                if plan.note:
                    version.status_message = f"The model is being trained. {plan.note}"
                for dataset_type, snap in (("TRAIN", plan.train), ("TEST", plan.test)):
                    session.add(
                        ModelSnapshot(
                            version_id=version.id,
                            dataset_type=dataset_type,
                            blob_key=keys[dataset_type],
                            entry_count=len(snap.entries),
                            label_count=len(snap.label_names),
                            box_count=snap.box_count,
                            held_out=plan.held_out and dataset_type == "TEST",
                        )
                    )
                job = create_job(
                    session,
                    TRAIN_JOB,
                    {"version_id": version.id},
                    title=training_title(version.name),
                    project_id=project_row.id,
                )
                version.job_id = job.id
            session.flush()
            audit.record(
                session,
                "version.train",
                project=project_row,
                detail={"version": version.name, "status": version.status},
            )
            return version_info(session, version, project_row)
    except IntegrityError:
        _discard(ctx, keys.values())
        raise AlreadyExists(f"project {project!r} already has a version {name!r}") from None
    except BaseException:
        _discard(ctx, keys.values())
        raise


def _lock_project(session: Session, name: str) -> Project:
    """The project row, locked on PostgreSQL so two trainings of it are decided one by one
    (SQLite's writers are one at a time already)."""
    project = session.scalar(select(Project).where(Project.name == name).with_for_update())
    if project is None:
        return get_project(session, name)  # raises ProjectNotFound
    return project


def _training_in_progress(session: Session, project_id: int) -> ModelVersion | None:
    return session.scalar(
        select(ModelVersion)
        .where(ModelVersion.project_id == project_id, ModelVersion.status.in_(TRAINING))
        .where(ModelVersion.artifact_key.is_(None))
        .limit(1)
    )


def _discard(ctx: Context, keys: Any) -> None:
    for key in keys:
        if key:
            ctx.blobs.delete(key)


def list_versions(ctx: Context, project: str) -> list[VersionInfo]:
    """Every version of a project, newest first (as DescribeProjectVersions)."""
    reap_interrupted_trainings(ctx)
    with ctx.db.read() as session:
        project_row = get_project(session, project)
        rows = session.scalars(
            select(ModelVersion)
            .where(ModelVersion.project_id == project_row.id)
            .order_by(ModelVersion.id.desc())
        ).all()
        return [version_info(session, v, project_row) for v in rows]


def describe_version(ctx: Context, project: str, name: str) -> VersionInfo:
    reap_interrupted_trainings(ctx)
    with ctx.db.read() as session:
        project_row = get_project(session, project)
        return version_info(session, get_version(session, project_row, name), project_row)


def delete_version(ctx: Context, project: str, name: str) -> None:
    """Delete a version and its files; refused while it trains or runs (ResourceInUse)."""
    with ctx.db.write() as session:
        project_row = get_project(session, project)
        version = get_version(session, project_row, name)
        if version.status in TRAINING or version.status in SERVING:
            raise ResourceInUse(
                f"model version {name!r} is {version.status}; stop it before deleting it",
                {"status": version.status},
            )
        keys = [version.artifact_key, version.raw_scores_key]
        keys += list(
            session.scalars(
                select(ModelSnapshot.blob_key).where(ModelSnapshot.version_id == version.id)
            )
        )
        session.execute(delete(ModelVersion).where(ModelVersion.id == version.id))
        tags.forget(
            session, version_arn(project_row.name, project_row.created_at, name, version.created_at)
        )
        audit.record(session, "version.delete", project=project_row, detail={"version": name})
    _discard(ctx, keys)


def copy_version(
    ctx: Context, project: str, name: str, to_project: str, new_name: str | None = None
) -> VersionInfo:
    """Copy a trained version (model files, snapshots, evaluation) into another project."""
    if new_name is not None:
        check_version_name(new_name)
    with ctx.db.read() as session:
        source_project = get_project(session, project)
        source = version_info(session, get_version(session, source_project, name), source_project)
        get_project(session, to_project)
    if not source.trained:
        raise ResourceNotReady(
            f"model version {name!r} is {source.status}: only a trained version can be copied"
        )
    copies: dict[str | None, str | None] = {None: None}
    for key in [source.artifact_key, source.raw_scores_key] + [
        s.blob_key for s in source.snapshots.values()
    ]:
        if key:
            copies[key] = _copy_blob(ctx, key)
    try:
        with ctx.db.write() as session:
            target = get_project(session, to_project)
            version = ModelVersion(
                project_id=target.id,
                name=new_name or _next_name(session, target.id),
                status="TRAINING_COMPLETED",
                status_message=f"Copied from {source.arn}.",
                task=source.task,
                config=source.config,
                label_names=source.label_names,
                thresholds=source.thresholds,
                evaluation=source.evaluation,
                raw_scores_key=copies[source.raw_scores_key],
                artifact_key=copies[source.artifact_key],
                source_version_arn=source.arn,
                training_started_at=source.training_started_at,
                finished_at=utcnow(),
            )
            session.add(version)
            session.flush()
            for snap in source.snapshots.values():
                session.add(
                    ModelSnapshot(
                        version_id=version.id,
                        dataset_type=snap.dataset_type,
                        blob_key=copies[snap.blob_key],
                        entry_count=snap.entry_count,
                        label_count=snap.label_count,
                        box_count=snap.box_count,
                        held_out=snap.held_out,
                    )
                )
            session.flush()
            audit.record(
                session,
                "version.copy",
                project=target,
                detail={"version": version.name, "from": source.arn},
            )
            return version_info(session, version, target)
    except IntegrityError:
        _discard(ctx, [k for k in copies.values() if k])
        raise AlreadyExists(f"project {to_project!r} already has a version {new_name!r}") from None


def _copy_blob(ctx: Context, key: str) -> str:
    """Copy bytes under a new key, so deleting either version leaves the other whole."""
    import uuid

    folder, _, base = key.rpartition("/")
    new_key = f"{folder}/{uuid.uuid4().hex}-{base.split('-', 1)[-1]}"
    ctx.blobs.put(new_key, ctx.blobs.get(key))
    return new_key


def set_status(
    ctx: Context,
    version_id: int,
    status: str,
    message: str,
    *,
    only_from: tuple[str, ...] | None = None,
    **values: Any,
) -> bool:
    """Move a version to ``status`` (when it is in one of ``only_from``); whether it moved."""
    with ctx.db.write() as session:
        statement = update(ModelVersion).where(ModelVersion.id == version_id)
        if only_from is not None:
            statement = statement.where(ModelVersion.status.in_(only_from))
        moved = changed_rows(
            session, statement.values(status=status, status_message=message, **values)
        )
        return bool(moved)


def record_version_event(ctx: Context, project: str, action: str, name: str) -> None:
    """An audit event for a change of a version's state made outside one transaction
    (starting and stopping a served model take several)."""
    with ctx.db.write() as session:
        audit.record(
            session, action, project=get_project(session, project), detail={"version": name}
        )


def reap_interrupted_trainings(ctx: Context) -> int:
    """Fail the trainings whose worker died; returns how many.

    A training in progress whose job ended (FAILED by ``job_recovery`` when its worker died,
    by the job's own handler, or RUNNING with a heartbeat gone stale elsewhere) can't finish
    any more: it becomes TRAINING_FAILED with a reason instead of staying in progress. Run
    when a worker starts, and before versions are listed or a training is asked for.
    """
    with ctx.db.read() as session:
        candidates = session.execute(
            select(ModelVersion.id, ModelVersion.project_id, ModelVersion.job_id).where(
                ModelVersion.status.in_(TRAINING), ModelVersion.artifact_key.is_(None)
            )
        ).all()
    if not candidates:
        return 0
    lease = timedelta(seconds=ctx.settings.job_lease_s)
    failed = 0
    with ctx.db.write() as session:
        for project_id in {c.project_id for c in candidates}:
            fail_dead_jobs(ctx, session, project_id)
        for version_id, _, job_id in candidates:
            job = session.get(Job, job_id) if job_id is not None else None
            stale = (
                job is not None
                and job.status == "RUNNING"
                and (job.heartbeat_at is None or job.heartbeat_at < utcnow() - lease)
            )
            if job is not None and job.status in ("QUEUED", "RUNNING") and not stale:
                continue
            if stale and job is not None:
                job.status, job.message, job.finished_at = "FAILED", INTERRUPTED, utcnow()
            failed += changed_rows(
                session,
                update(ModelVersion)
                .where(ModelVersion.id == version_id, ModelVersion.status.in_(TRAINING))
                .values(
                    status="TRAINING_FAILED",
                    status_message=INTERRUPTED,
                    status_code="INTERRUPTED",
                    finished_at=utcnow(),
                ),
            )
    return failed


STOPPED_BY_USER = "The training was stopped by the user."


def stop_training(ctx: Context, project: str, name: str) -> VersionInfo:
    """Stop a training: at once when its job is still queued, else STOPPING until the
    training code notices (between steps) and the version becomes TRAINING_FAILED."""
    with ctx.db.write() as session:
        project_row = get_project(session, project)
        version = get_version(session, project_row, name)
        if version.status != "TRAINING_IN_PROGRESS":
            raise ResourceNotReady(f"model version {name!r} is {version.status}, not training")
        job = session.get(Job, version.job_id) if version.job_id is not None else None
        if job is not None and job.status == "RUNNING":
            version.status = "STOPPING"
            version.status_message = "The training is being stopped."
        else:
            version.status, version.status_message = "TRAINING_FAILED", STOPPED_BY_USER
            version.status_code, version.finished_at = "STOPPED_BY_USER", utcnow()
            if job is not None:
                job.status, job.message, job.finished_at = "FAILED", STOPPED_BY_USER, utcnow()
        audit.record(
            session,
            "version.stop",
            project=project_row,
            detail={"version": name, "training": True},
        )
        session.flush()
        return version_info(session, version, project_row)
