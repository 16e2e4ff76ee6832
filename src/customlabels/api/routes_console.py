"""Endpoints the web console needs beyond the hosted API's: overviews, counts, undoable bulk.

Paths avoid ``.../entries/{id}`` so their order among the routers does not matter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, get_args

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from customlabels.api.auth import CurrentPrincipal
from customlabels.api.deps import Ctx
from customlabels.api.routes_entries import _filter
from customlabels.api.schemas import BulkLabels, JobPublic, SourceSpec
from customlabels.formats.hosted_limits import DEFAULT_LIMITS
from customlabels.services import assets, bulk_changes, console
from customlabels.services.entry_query import EntryFilter
from customlabels.services.project_access import visible_projects

router = APIRouter(tags=["console"])
DATASET = "/projects/{project}/datasets/{dataset_type}"


class DatasetOverviewPublic(BaseModel):
    dataset_type: str
    status: str
    status_message: str
    total_entries: int
    labeled_entries: int
    error_entries: int


class ProjectOverviewPublic(BaseModel):
    name: str
    created_at: datetime
    label_count: int
    active_jobs: int
    datasets: list[DatasetOverviewPublic]


class ConsoleSettingsPublic(BaseModel):
    """What the console adapts to: the source kinds this server imports, box limits."""

    source_kinds: list[str]
    min_box_side: float
    training_max_side: int
    page_size_max: int


class FilterCountPublic(BaseModel):
    count: int
    from_counters: bool


class BulkChangePublic(BaseModel):
    """Entries matched, and per label the ``[first, last]`` id runs that gained/lost it."""

    matched: int
    added: dict[str, list[tuple[int, int]]]
    removed: dict[str, list[tuple[int, int]]]

    @classmethod
    def of(cls, change: bulk_changes.BulkChange) -> BulkChangePublic:
        return cls(matched=change.matched, added=change.added, removed=change.removed)


class BulkRevert(BaseModel):
    added: dict[str, list[tuple[int, int]]] = {}
    removed: dict[str, list[tuple[int, int]]] = {}


@router.get("/console/settings", response_model=ConsoleSettingsPublic)
def console_settings(ctx: Ctx) -> ConsoleSettingsPublic:
    kinds = get_args(SourceSpec.model_fields["kind"].annotation)
    return ConsoleSettingsPublic(
        source_kinds=list(kinds),
        min_box_side=DEFAULT_LIMITS.min_box_side,
        training_max_side=DEFAULT_LIMITS.training_max_side,
        page_size_max=ctx.settings.page_size_max,
    )


@router.get("/console/projects", response_model=list[ProjectOverviewPublic])
def project_overviews(ctx: Ctx, principal: CurrentPrincipal) -> list[ProjectOverviewPublic]:
    """Every project the user holds a role on, with its datasets' counts and running jobs,
    newest first."""
    return [
        ProjectOverviewPublic(
            name=p.name,
            created_at=p.created_at,
            label_count=p.label_count,
            active_jobs=p.active_jobs,
            datasets=[DatasetOverviewPublic(**d.__dict__) for d in p.datasets],
        )
        for p in console.project_overviews(ctx, visible_projects(principal))
    ]


@router.get("/projects/{project}/jobs", response_model=list[JobPublic], tags=["jobs"])
def project_jobs(project: str, ctx: Ctx) -> list[JobPublic]:
    """The project's recent jobs, newest first."""
    return [JobPublic.of(j) for j in console.project_jobs(ctx, project)]


@router.get(DATASET + "/entry-count", response_model=FilterCountPublic)
def entry_count(
    project: str,
    dataset_type: str,
    ctx: Ctx,
    contains_label: Annotated[list[str] | None, Query(max_length=10)] = None,
    labeled: bool | None = None,
    source_ref_contains: str | None = None,
    has_errors: bool | None = None,
    has_boxes: bool | None = None,
    predicted: bool | None = None,
) -> FilterCountPublic:
    """How many entries match the filter (the listing's query parameters)."""
    flt = EntryFilter(
        contains_labels=tuple(contains_label or ()),
        labeled=labeled,
        source_ref_contains=source_ref_contains,
        has_errors=has_errors,
        has_boxes=has_boxes,
        predicted=predicted,
    )
    found = console.count_matching(ctx, project, dataset_type, flt)
    return FilterCountPublic(count=found.count, from_counters=found.from_counters)


@router.post(DATASET + "/bulk-changes", response_model=BulkChangePublic)
def bulk_change(project: str, dataset_type: str, body: BulkLabels, ctx: Ctx) -> BulkChangePublic:
    """Add/remove labels on a selection, answering what changed so it can be undone."""
    change = bulk_changes.bulk_labels_recorded(
        ctx,
        project,
        dataset_type,
        _filter(body.filter, body.ids),
        add=body.add,
        remove=body.remove,
    )
    return BulkChangePublic.of(change)


@router.post(DATASET + "/bulk-changes/revert", response_model=BulkChangePublic)
def revert_bulk_change(
    project: str, dataset_type: str, body: BulkRevert, ctx: Ctx
) -> BulkChangePublic:
    """Undo a bulk change: give back the ``added`` and ``removed`` it answered."""
    change = bulk_changes.revert_bulk(ctx, project, dataset_type, body.added, body.removed)
    return BulkChangePublic.of(change)


@router.get("/assets/{sha256}/thumbnail", response_class=Response)
def asset_thumbnail(sha256: str, request: Request, ctx: Ctx) -> Response:
    """An asset's upright thumbnail; immutable, so entries sharing an image share the cache."""
    etag = f'"t-{sha256}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    data = assets.read_thumbnail(ctx, sha256)
    return Response(content=data, media_type="image/jpeg", headers=headers)
