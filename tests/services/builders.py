"""Small builders for service tests: images made in memory, uploads, full listings."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from PIL import Image

from customlabels.services import entries, projects
from customlabels.services.context import Context
from customlabels.services.entry_query import EntryFilter
from customlabels.services.entry_views import EntryView
from customlabels.services.imports import uploads


def jpeg(width: int = 32, height: int = 24, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small JPEG; vary ``color`` to get distinct assets."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


def png(width: int = 32, height: int = 24, color: tuple[int, int, int] = (30, 200, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def upload(
    ctx: Context,
    project: str,
    paths: Iterable[str],
    *,
    type_name: str = "train",
    folder_labels: bool = True,
    folder_depth: int = 1,
    width: int = 32,
    height: int = 24,
) -> dict[str, EntryView]:
    """Upload one distinct small JPEG per path; returns the dataset's entries by source-ref."""
    files = [
        uploads.UploadedFile(path, jpeg(width, height, (n % 256, (n * 7) % 256, (n * 13) % 256)))
        for n, path in enumerate(paths)
    ]
    uploads.upload_files(
        ctx, project, type_name, files, folder_labels=folder_labels, folder_depth=folder_depth
    )
    return by_ref(ctx, project, type_name)


def project_with(
    ctx: Context, paths: Iterable[str], name: str = "pets", **kw: Any
) -> dict[str, EntryView]:
    """A new project whose TRAIN dataset holds one uploaded image per path."""
    projects.create_project(ctx, name)
    return upload(ctx, name, paths, **kw)


def all_entries(
    ctx: Context,
    project: str,
    type_name: str = "train",
    flt: EntryFilter | None = None,
    *,
    limit: int = 100,
    descending: bool = False,
) -> list[EntryView]:
    """Every entry matching ``flt``, page after page."""
    flt = flt or EntryFilter()
    found: list[EntryView] = []
    token = None
    while True:
        page = entries.list_entries(
            ctx, project, type_name, flt, next_token=token, limit=limit, descending=descending
        )
        found.extend(page.entries)
        token = page.next_token
        if token is None:
            return found


def by_ref(ctx: Context, project: str, type_name: str = "train") -> dict[str, EntryView]:
    return {e.source_ref: e for e in all_entries(ctx, project, type_name)}


def ref(path: str) -> str:
    return uploads.UPLOAD_SCHEME + path
