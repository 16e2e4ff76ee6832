"""Uploads from the user's computer: many files per request, many requests per dataset.

The client may send each file's relative path (a browser's folder upload gives it), so
folder labels work for uploads as for folders: the label is the first folder of the path.
An upload is recorded as a job across its requests (``upload_sessions``): the dataset is
complete when the client finishes it, or, for a request sent with no session, when that
request returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from customlabels.errors import InvalidInput
from customlabels.formats.records import EntryIssue, ImportRecord
from customlabels.imaging import ERROR_INVALID_IMAGE
from customlabels.services.context import Context
from customlabels.services.imports import upload_sessions
from customlabels.services.imports.candidates import Candidate
from customlabels.services.jobs import get_job
from customlabels.services.names import check_label_name

UPLOAD_SCHEME = "upload://"


@dataclass(frozen=True)
class UploadedFile:
    relative_path: str
    data: bytes
    # Why the file was not kept (its bytes dropped as they arrived, e.g. over
    # max_image_bytes): it becomes an entry carrying this error, as a bad file does.
    refused: str | None = None


def _clean_path(path: str) -> str:
    parts = [p for p in PurePosixPath(path.replace("\\", "/")).parts if p not in ("", "/", ".")]
    if not parts or any(p == ".." for p in parts):
        raise InvalidInput(f"invalid upload path {path!r}")
    return "/".join(parts)


def _labels_for(path: str, folder_labels: bool, folder_depth: int) -> list[str] | None:
    """Folder label of a relative path; None when the file lies deeper than allowed."""
    folders = path.split("/")[:-1]
    if not folder_labels or not folders:
        return []
    if len(folders) > folder_depth:
        return None
    return [folders[0]]


def upload_files(
    ctx: Context,
    project: str,
    type_name: str,
    files: list[UploadedFile],
    *,
    folder_labels: bool = False,
    folder_depth: int = 1,
    prefix: str = "",
    session_id: int | None = None,
) -> dict[str, Any]:
    """Store uploaded images as entries: in the open upload session ``session_id``, or in
    a session of this request alone (the dataset is created when missing)."""
    if not files:
        raise InvalidInput("no files in the upload")
    # Check every path before anything is written: a refused upload leaves no dataset
    # and no job behind (a RUNNING job would block deleting the project).
    candidates: list[Candidate] = []
    skipped: list[dict[str, str]] = []
    for number, upload in enumerate(files, start=1):
        path = _clean_path(upload.relative_path)
        labels = _labels_for(path, folder_labels, folder_depth)
        if labels is None:
            skipped.append({"path": path, "reason": f"deeper than folder_depth={folder_depth}"})
            continue
        for label in labels:
            check_label_name(label)
        ref = UPLOAD_SCHEME + (f"{prefix.strip('/')}/" if prefix.strip("/") else "") + path
        record = ImportRecord(source_ref=ref, labels=labels, line_number=number)
        if upload.refused is not None:
            record.issues.append(EntryIssue(ERROR_INVALID_IMAGE, upload.refused))
            candidates.append(Candidate(record, no_image=True))
        else:
            candidates.append(Candidate(record, data=upload.data))
    if session_id is not None:
        summary = upload_sessions.add_files(ctx, project, type_name, session_id, candidates)
        job = get_job(ctx, session_id)
        return {"job": job, "skipped": skipped, "summary": summary.as_dict()}
    # No session: this request is one, opened and finished here.
    opened = upload_sessions.open_session(ctx, project, type_name, files=len(files))
    try:
        upload_sessions.add_files(ctx, project, type_name, opened.id, candidates)
    except Exception as exc:
        # Record the failure so the job does not look RUNNING (and block deletes).
        upload_sessions.fail_session(ctx, opened.id, str(exc) or type(exc).__name__)
        raise
    job = upload_sessions.finish_session(
        ctx, project, type_name, opened.id, {"skipped_files": skipped}
    )
    return {"job": job, "skipped": skipped}
