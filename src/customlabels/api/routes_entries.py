"""Entries: list with filters and cursor pages, get, edit with versions, bulk labels, images."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from customlabels.api.deps import Ctx
from customlabels.api.schemas import (
    BoxesReplace,
    BulkLabels,
    CountPublic,
    EntryFilterIn,
    EntryPage,
    EntryPublic,
    EntrySelection,
    EntryUpdate,
)
from customlabels.errors import InvalidInput
from customlabels.services import assets, entries, image_urls
from customlabels.services.entries import BoxInput
from customlabels.services.entry_lines import entry_line
from customlabels.services.entry_query import EntryFilter

router = APIRouter(tags=["entries"])
ENTRIES = "/projects/{project}/datasets/{dataset_type}/entries"


def _filter(body: EntryFilterIn | None, ids: list[int] | None) -> EntryFilter:
    if body is None and ids is None:
        raise InvalidInput("name the entries: give ids or a filter")
    body = body or EntryFilterIn()
    return EntryFilter(
        contains_labels=tuple(body.contains_labels),
        labeled=body.labeled,
        source_ref_contains=body.source_ref_contains,
        has_errors=body.has_errors,
        has_boxes=body.has_boxes,
        predicted=body.predicted,
        entry_ids=tuple(ids) if ids is not None else None,
    )


@router.get(ENTRIES, response_model=EntryPage)
def list_entries(
    project: str,
    dataset_type: str,
    ctx: Ctx,
    contains_label: Annotated[list[str] | None, Query(max_length=10)] = None,
    labeled: bool | None = None,
    source_ref_contains: str | None = None,
    has_errors: bool | None = None,
    has_boxes: bool | None = None,
    predicted: bool | None = None,
    next_token: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 100,
    order: Literal["asc", "desc"] = "asc",
) -> EntryPage:
    """A page of entries in stable id order; pass ``next_token`` for the next page."""
    flt = EntryFilter(
        contains_labels=tuple(contains_label or ()),
        labeled=labeled,
        source_ref_contains=source_ref_contains,
        has_errors=has_errors,
        has_boxes=has_boxes,
        predicted=predicted,
    )
    page = entries.list_entries(
        ctx,
        project,
        dataset_type,
        flt,
        next_token=next_token,
        limit=limit,
        descending=order == "desc",
    )
    return EntryPage(items=[EntryPublic.of(v) for v in page.entries], next_token=page.next_token)


@router.get(ENTRIES + "/lines")
def list_lines(
    project: str,
    dataset_type: str,
    ctx: Ctx,
    contains_label: Annotated[list[str] | None, Query(max_length=10)] = None,
    labeled: bool | None = None,
    source_ref_contains: str | None = None,
    has_errors: bool | None = None,
    next_token: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 100,
) -> dict[str, object]:
    """Entries as Ground Truth JSON lines (ListDatasetEntries' shape)."""
    flt = EntryFilter(
        contains_labels=tuple(contains_label or ()),
        labeled=labeled,
        source_ref_contains=source_ref_contains,
        has_errors=has_errors,
    )
    page = entries.list_entries(ctx, project, dataset_type, flt, next_token=next_token, limit=limit)
    return {"DatasetEntries": [entry_line(v) for v in page.entries], "NextToken": page.next_token}


@router.post(ENTRIES + "/delete", response_model=CountPublic)
def delete_entries(project: str, dataset_type: str, body: EntrySelection, ctx: Ctx) -> CountPublic:
    """Delete the entries named by ids or matched by a filter."""
    count = entries.delete_entries(ctx, project, dataset_type, _filter(body.filter, body.ids))
    return CountPublic(count=count)


@router.post(ENTRIES + "/bulk-labels", response_model=CountPublic)
def bulk_labels(project: str, dataset_type: str, body: BulkLabels, ctx: Ctx) -> CountPublic:
    """Add/remove image-level labels on every selected entry, in one transaction."""
    count = entries.bulk_labels(
        ctx,
        project,
        dataset_type,
        _filter(body.filter, body.ids),
        add=body.add,
        remove=body.remove,
    )
    return CountPublic(count=count)


@router.get(ENTRIES + "/{entry_id}", response_model=EntryPublic)
def get_entry(project: str, dataset_type: str, entry_id: int, ctx: Ctx) -> EntryPublic:
    return EntryPublic.of(entries.get_entry(ctx, project, dataset_type, entry_id))


def _box(b: object) -> BoxInput:
    return BoxInput(b.label, b.left, b.top, b.width, b.height)  # type: ignore[attr-defined]


@router.patch(
    ENTRIES + "/{entry_id}",
    response_model=EntryPublic,
    responses={409: {"description": "saved by someone else since `version`"}},
)
def update_entry(
    project: str, dataset_type: str, entry_id: int, body: EntryUpdate, ctx: Ctx
) -> EntryPublic:
    """Change labels and boxes; refused with 409 when ``version`` is not the current one."""
    view = entries.edit_entry(
        ctx,
        project,
        dataset_type,
        entry_id,
        expected_version=body.version,
        add_labels=body.add_labels,
        remove_labels=body.remove_labels,
        boxes=[_box(b) for b in body.boxes] if body.boxes is not None else None,
        add_boxes=[_box(b) for b in body.add_boxes],
        update_boxes={k: _box(b) for k, b in body.update_boxes.items()},
        delete_box_ids=body.delete_box_ids,
        no_objects=body.no_objects,
    )
    return EntryPublic.of(view)


@router.put(ENTRIES + "/{entry_id}/boxes", response_model=EntryPublic)
def replace_boxes(
    project: str, dataset_type: str, entry_id: int, body: BoxesReplace, ctx: Ctx
) -> EntryPublic:
    """Replace all boxes of an entry at once."""
    view = entries.edit_entry(
        ctx,
        project,
        dataset_type,
        entry_id,
        expected_version=body.version,
        boxes=[_box(b) for b in body.boxes],
    )
    return EntryPublic.of(view)


def _cached(request: Request, data_for: object, etag: str, media_type: str) -> Response:
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(content=data_for(), media_type=media_type, headers=headers)  # type: ignore[operator]


MEDIA_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}


@router.get(ENTRIES + "/{entry_id}/thumbnail", response_class=Response)
def thumbnail(
    project: str, dataset_type: str, entry_id: int, request: Request, ctx: Ctx
) -> Response:
    """The upright thumbnail (JPEG, ~256 px long side), cached by ETag.

    Its asset and bytes come in one query; its bytes not at all when the browser has them.
    """
    with_bytes = not ctx.settings.thumbnails_in_store and "if-none-match" not in request.headers
    sha, data = entries.entry_thumbnail(ctx, project, dataset_type, entry_id, with_bytes=with_bytes)
    url = image_urls.presigned_url(ctx, sha, "thumbnail", "image/jpeg")
    if url is not None:
        return _redirect(ctx, url)

    def data_for() -> bytes:
        return data if data is not None else assets.read_thumbnail(ctx, sha)

    return _cached(request, data_for, f'"t-{sha}"', "image/jpeg")


@router.get(ENTRIES + "/{entry_id}/image", response_class=Response)
def image(project: str, dataset_type: str, entry_id: int, request: Request, ctx: Ctx) -> Response:
    """The original bytes, unchanged."""
    asset = entries.entry_asset(ctx, project, dataset_type, entry_id)
    media = MEDIA_TYPES.get(asset.image_format, "application/octet-stream")
    sha = asset.sha256
    url = image_urls.presigned_url(ctx, sha, "original", media)
    if url is not None:
        return _redirect(ctx, url)
    return _cached(request, lambda: assets.read_original(ctx, sha), f'"o-{sha}"', media)


def _redirect(ctx: Ctx, url: str) -> Response:
    """To a presigned S3 URL (image_urls=presigned); cached for less than it stays valid."""
    max_age = max(0, ctx.settings.presigned_url_expiry_s // 2)
    return RedirectResponse(
        url, status_code=307, headers={"Cache-Control": f"private, max-age={max_age}"}
    )
