"""Model versions: train, list, describe, start, stop, delete, copy, detect, export,
pre-label, and accepting predictions."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from customlabels.api.auth import CurrentPrincipal
from customlabels.api.deps import Ctx, Queue
from customlabels.api.routes_entries import _filter
from customlabels.api.schemas import CountPublic, EntrySelection, JobPublic
from customlabels.api.schemas_models import (
    CustomLabelPublic,
    DetectPublic,
    PrelabelIn,
    ResultsPublic,
    VersionCopy,
    VersionCreate,
    VersionPage,
    VersionPublic,
)
from customlabels.services.models import export, prelabel, results, serving, shapes, versions
from customlabels.services.project_access import require_role_on
from customlabels.services.roles import Role
from customlabels.services.submit import submit_job

router = APIRouter(tags=["models"])
VERSIONS = "/projects/{project}/versions"
VERSION = VERSIONS + "/{version}"


@router.post(VERSIONS, response_model=VersionPublic, status_code=status.HTTP_201_CREATED)
def train(project: str, body: VersionCreate, ctx: Ctx, queue: Queue) -> VersionPublic:
    """Train a version: TRAINING_IN_PROGRESS with a queued job, or TRAINING_FAILED at once
    when a training rule is broken (the status message says which)."""
    info = versions.create_version(ctx, project, body.name, body.config)
    if info.job_id is not None:
        submit_job(ctx, queue, info.job_id)
    return VersionPublic.of(info)


@router.get(VERSIONS, response_model=VersionPage)
def list_versions(project: str, ctx: Ctx) -> VersionPage:
    return VersionPage(items=[VersionPublic.of(v) for v in versions.list_versions(ctx, project)])


@router.get(VERSION, response_model=VersionPublic)
def describe_version(project: str, version: str, ctx: Ctx) -> VersionPublic:
    """A version with its evaluation summary (the hosted summary file's shape)."""
    return VersionPublic.of(versions.describe_version(ctx, project, version), True)


@router.get(VERSION + "/evaluation-summary")
def evaluation_summary(project: str, version: str, ctx: Ctx) -> dict[str, Any]:
    """The hosted evaluation summary file, as it is: the object that the ``Summary`` of a
    ProjectVersionDescription's EvaluationResult names (empty until the version is trained)."""
    return shapes.evaluation_summary(versions.describe_version(ctx, project, version))


@router.get(VERSION + "/test-results", response_model=ResultsPublic)
def version_results(project: str, version: str, ctx: Ctx) -> ResultsPublic:
    """Per test image its truth and every scored prediction, so that other thresholds can
    be tried without running the model again (ResourceNotReady before training ends)."""
    return ResultsPublic.of(results.version_results(ctx, project, version))


@router.post(VERSION + "/start", response_model=VersionPublic)
def start(project: str, version: str, ctx: Ctx) -> VersionPublic:
    """Load the version for detection in this server (STARTING, then RUNNING)."""
    return VersionPublic.of(serving.start_version(ctx, project, version))


@router.post(VERSION + "/stop", response_model=VersionPublic)
def stop(project: str, version: str, ctx: Ctx) -> VersionPublic:
    """Stop a running version, or a training in progress."""
    return VersionPublic.of(serving.stop_version(ctx, project, version))


@router.delete(VERSION, status_code=status.HTTP_204_NO_CONTENT)
def delete(project: str, version: str, ctx: Ctx) -> Response:
    versions.delete_version(ctx, project, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(VERSION + "/copy", response_model=VersionPublic, status_code=201)
def copy(
    project: str, version: str, body: VersionCopy, ctx: Ctx, principal: CurrentPrincipal
) -> VersionPublic:
    """Copy a version into another project, where the caller must be an editor too."""
    require_role_on(ctx, principal, body.to_project, Role.EDITOR)
    return VersionPublic.of(
        versions.copy_version(ctx, project, version, body.to_project, body.name)
    )


@router.post(VERSION + "/detect", response_model=DetectPublic)
def detect(
    project: str,
    version: str,
    ctx: Ctx,
    image: Annotated[UploadFile, File(description="The image (JPEG, PNG, WebP, ...).")],
    min_confidence: Annotated[float | None, Form(ge=0, le=100)] = None,
    max_results: Annotated[int | None, Form(ge=0)] = None,
) -> DetectPublic:
    """DetectCustomLabels with a RUNNING version (ResourceNotReady otherwise)."""
    found = serving.detect(
        ctx,
        project,
        version,
        image.file.read(ctx.settings.detect_max_image_bytes + 1),
        min_confidence=min_confidence,
        max_results=max_results,
    )
    return DetectPublic(custom_labels=[CustomLabelPublic.of(c) for c in found])


@router.get(VERSION + "/export")
def export_model(project: str, version: str, ctx: Ctx, format: str = "onnx") -> Response:
    """The model as a zip of the ONNX file and its labels/thresholds JSON."""
    with tempfile.TemporaryDirectory(dir=ctx.settings.data_dir) as folder:
        files = export.export_version(ctx, project, version, format, Path(folder))
        data = export.zipped(files)
    name = f"{project}-{version}-{format.lower()}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(VERSION + "/prelabel", response_model=JobPublic, status_code=202)
def start_prelabel(
    project: str, version: str, body: PrelabelIn, ctx: Ctx, queue: Queue
) -> JobPublic:
    """Predict labels for the dataset's unlabelled entries (a job)."""
    job_id = prelabel.start_prelabel(ctx, project, version, body.dataset_type)
    return JobPublic.of(submit_job(ctx, queue, job_id))


@router.post(
    "/projects/{project}/datasets/{dataset_type}/entries/accept-predictions",
    response_model=CountPublic,
)
def accept_predictions(
    project: str, dataset_type: str, body: EntrySelection, ctx: Ctx
) -> CountPublic:
    """Mark the predicted labels and boxes of the selected entries reviewed (human)."""
    count = prelabel.accept_predictions(ctx, project, dataset_type, _filter(body.filter, body.ids))
    return CountPublic(count=count)
