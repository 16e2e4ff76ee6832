"""Uploads from the user's computer: multipart requests read within the upload limits."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from customlabels.api.deps import Ctx
from customlabels.api.schemas import JobPublic, UploadPublic, UploadSessionOpen
from customlabels.api.upload_form import UploadForm, UploadLimits, read_upload_form
from customlabels.errors import InvalidInput
from customlabels.services.imports import upload_sessions, uploads

router = APIRouter(tags=["datasets"])
DATASET = "/projects/{project}/datasets/{dataset_type}"

# FastAPI would read the whole body before the route runs; this route reads it itself
# (api/upload_form.py), so its body is described here for the API docs.
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "Image files (at most max_upload_files per "
                            "request, max_upload_bytes in all).",
                        },
                        "paths": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Relative path of each file, in order "
                            "(for folder labels).",
                        },
                        "folder_labels": {"type": "boolean", "default": False},
                        "folder_depth": {"type": "integer", "minimum": 1, "default": 1},
                        "session": {
                            "type": "integer",
                            "description": "The upload session (job id) these files belong "
                            "to; none: this request is a whole upload, finished when it returns.",
                        },
                    },
                }
            }
        },
    }
}


def _form_bool(value: str | None, name: str) -> bool:
    if value is None:
        return False
    if value.lower() in ("true", "1", "yes", "on"):
        return True
    if value.lower() in ("false", "0", "no", "off", ""):
        return False
    raise InvalidInput(f"{name}: expected true or false, got {value!r}")


def _form_session(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise InvalidInput(f"session: expected an upload session's job id, got {value!r}")
    return int(value)


def _form_depth(value: str | None) -> int:
    if value is None:
        return 1
    if not value.isdigit() or int(value) < 1:
        raise InvalidInput(f"folder_depth: expected a whole number of at least 1, got {value!r}")
    return int(value)


def _uploaded(body: UploadForm, max_file_bytes: int) -> list[uploads.UploadedFile]:
    """The files of an upload form, read from their spooled files, with their paths."""
    files = [f for f in body.form.getlist("files") if isinstance(f, StarletteUpload)]
    if len(files) != len(body.form.getlist("files")):
        raise InvalidInput("files: expected files, got text")
    paths = [p for p in body.form.getlist("paths") if isinstance(p, str)]
    if paths and len(paths) != len(files):
        raise InvalidInput(f"got {len(paths)} paths for {len(files)} files")
    items = []
    for i, f in enumerate(files):
        sent = body.oversized_bytes(f)
        items.append(
            uploads.UploadedFile(
                relative_path=paths[i] if paths else (f.filename or f"file-{i}"),
                data=b"" if sent is not None else f.file.read(),
                refused=None
                if sent is None
                else f"file of {sent:,} bytes exceeds the limit of {max_file_bytes:,} bytes "
                "(max_image_bytes)",
            )
        )
    return items


@router.post(DATASET + "/uploads", response_model=UploadPublic, openapi_extra=_UPLOAD_BODY)
async def upload(project: str, dataset_type: str, request: Request, ctx: Ctx) -> UploadPublic:
    """Upload images (many per request); the dataset is created when missing.

    Files arrive spooled to temporary files and counted as they come: a request over
    max_upload_files or max_upload_bytes is refused (413) before anything is written; a
    file over max_image_bytes becomes an entry carrying the error.
    """
    settings = ctx.settings
    limits = UploadLimits(
        max_files=settings.max_upload_files,
        max_file_bytes=settings.max_image_bytes,
        max_request_bytes=settings.max_upload_bytes,
    )
    body = await read_upload_form(request, limits)
    try:
        items = _uploaded(body, limits.max_file_bytes)
        folder_labels = _form_bool(_text(body.form.get("folder_labels")), "folder_labels")
        folder_depth = _form_depth(_text(body.form.get("folder_depth")))
        session = _form_session(_text(body.form.get("session")))
        # The import writes to the database: off the event loop, as the sync routes run.
        outcome = await run_in_threadpool(
            uploads.upload_files,
            ctx,
            project,
            dataset_type,
            items,
            folder_labels=folder_labels,
            folder_depth=folder_depth,
            session_id=session,
        )
    finally:
        await body.form.close()
    return UploadPublic(job=JobPublic.of(outcome["job"]), skipped=outcome["skipped"])


def _text(value: str | StarletteUpload | None) -> str | None:
    if isinstance(value, StarletteUpload):
        raise InvalidInput("expected a text field, got a file")
    return value


@router.post(DATASET + "/upload-sessions", response_model=JobPublic, status_code=201)
def open_upload_session(
    project: str, dataset_type: str, ctx: Ctx, body: UploadSessionOpen | None = None
) -> JobPublic:
    """Open an upload of many requests (the dataset is created when missing): send files
    with its job id as ``session``, then finish it; the dataset is complete only then.
    Announce how many files will come (``files``) for the job's progress and title."""
    files = body.files if body is not None else None
    return JobPublic.of(upload_sessions.open_session(ctx, project, dataset_type, files))


@router.post(DATASET + "/upload-sessions/{session}/finish", response_model=JobPublic)
def finish_upload_session(project: str, dataset_type: str, session: int, ctx: Ctx) -> JobPublic:
    """Every file was sent: the upload succeeds and the dataset says it is complete."""
    return JobPublic.of(upload_sessions.finish_session(ctx, project, dataset_type, session))
