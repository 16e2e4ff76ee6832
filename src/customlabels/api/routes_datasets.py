"""Datasets: create (from a source, as a job), describe, label stats, split, export, delete
(uploads: routes_uploads.py)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from customlabels.api.auth import CurrentPrincipal
from customlabels.api.deps import Ctx, Queue
from customlabels.api.schemas import (
    DatasetCreate,
    DatasetLabelPublic,
    DatasetPublic,
    DistributeIn,
    ExportIn,
    JobPublic,
    ManifestUpdateIn,
)
from customlabels.api.server_paths import checked_export_out, checked_source
from customlabels.errors import InvalidInput
from customlabels.services import datasets, exports, labels, split
from customlabels.services.imports import s3_sync
from customlabels.services.imports.start import (
    save_changes,
    start_dataset_create,
    start_dataset_update,
)
from customlabels.services.jobs import get_job
from customlabels.services.submit import submit_job

router = APIRouter(tags=["datasets"])
DATASET = "/projects/{project}/datasets/{dataset_type}"


@router.get(DATASET, response_model=DatasetPublic)
def describe_dataset(project: str, dataset_type: str, ctx: Ctx) -> DatasetPublic:
    return DatasetPublic.of(datasets.describe_dataset(ctx, project, dataset_type))


@router.post(DATASET, responses={201: {"model": DatasetPublic}, 202: {"model": JobPublic}})
def create_dataset(
    project: str,
    dataset_type: str,
    body: DatasetCreate,
    ctx: Ctx,
    queue: Queue,
    principal: CurrentPrincipal,
) -> JSONResponse:
    """Create a dataset: empty (201), or from a source as a job (202, poll /jobs/{id})."""
    if body.source is None:
        info = datasets.create_empty_dataset(ctx, project, dataset_type)
        return JSONResponse(DatasetPublic.of(info).model_dump(mode="json"), status_code=201)
    source = checked_source(ctx, principal, body.source.model_dump(exclude_none=True))
    job_id = start_dataset_create(ctx, project, dataset_type, source)
    job = submit_job(ctx, queue, job_id)
    return JSONResponse(JobPublic.of(job).model_dump(mode="json"), 202)


@router.delete(DATASET, status_code=status.HTTP_204_NO_CONTENT)
def delete_dataset(project: str, dataset_type: str, ctx: Ctx) -> Response:
    datasets.delete_dataset(ctx, project, dataset_type)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(DATASET + "/labels", response_model=list[DatasetLabelPublic])
def dataset_labels(project: str, dataset_type: str, ctx: Ctx) -> list[DatasetLabelPublic]:
    """Every label of the project with its use in this dataset (ListDatasetLabels)."""
    return [
        DatasetLabelPublic(**x.__dict__) for x in labels.dataset_labels(ctx, project, dataset_type)
    ]


@router.post(DATASET + "/updates", response_model=JobPublic, status_code=202)
def update_entries(
    project: str,
    dataset_type: str,
    body: ManifestUpdateIn,
    ctx: Ctx,
    queue: Queue,
    principal: CurrentPrincipal,
) -> JobPublic:
    """Add or replace entries from Ground Truth JSON lines or a folder (a job, upsert by
    source-ref)."""
    given = [name for name in ("lines", "path", "source") if getattr(body, name) is not None]
    if len(given) != 1:
        raise InvalidInput("give one of lines, path or source")
    if body.source is not None:
        if body.source.kind != "folder":
            raise InvalidInput(f"an update's source is a folder, not {body.source.kind!r}")
        folder = checked_source(ctx, principal, body.source.model_dump(exclude_none=True))
        job_id = start_dataset_update(ctx, project, dataset_type, folder)
        return JobPublic.of(submit_job(ctx, queue, job_id))
    # Checked before the lines are saved: a refused root leaves no file behind.
    source = checked_source(
        ctx, principal, {"kind": "manifest", "path": body.path, "root": body.root}
    )
    if body.lines is not None:
        source["path"] = str(save_changes(ctx, body.lines))  # ours, in the data dir
    job_id = start_dataset_update(ctx, project, dataset_type, source)
    return JobPublic.of(submit_job(ctx, queue, job_id))


@router.post(DATASET + "/sync", response_model=JobPublic, status_code=202)
def sync_dataset(
    project: str, dataset_type: str, ctx: Ctx, queue: Queue, delete_missing: bool = False
) -> JobPublic:
    """Import again what is new or changed at the dataset's S3 source (a job); keys gone
    from the bucket are reported in the job's result, deleted only with delete_missing."""
    job_id = s3_sync.start_dataset_sync(ctx, project, dataset_type, delete_missing=delete_missing)
    return JobPublic.of(submit_job(ctx, queue, job_id))


@router.post("/projects/{project}/distribute", response_model=JobPublic, status_code=202)
def distribute(project: str, body: DistributeIn, ctx: Ctx, queue: Queue) -> JobPublic:
    """Move a label-stratified random 20% of TRAIN into the empty TEST dataset (a job)."""
    job_id = split.start_distribute(ctx, project, body.seed)
    return JobPublic.of(submit_job(ctx, queue, job_id))


@router.post(DATASET + "/exports", response_model=JobPublic, status_code=202)
def export(
    project: str,
    dataset_type: str,
    body: ExportIn,
    ctx: Ctx,
    queue: Queue,
    principal: CurrentPrincipal,
) -> JobPublic:
    """Export to a folder under the export root, or to S3 (a job)."""
    out = checked_export_out(ctx, principal, body.out)
    job_id = exports.start_export(
        ctx, project, dataset_type, body.format, out, overwrite=body.overwrite
    )
    return JobPublic.of(submit_job(ctx, queue, job_id))


@router.get("/jobs/{job_id}", response_model=JobPublic, tags=["jobs"])
def job(job_id: int, ctx: Ctx) -> JobPublic:
    return JobPublic.of(get_job(ctx, job_id))
