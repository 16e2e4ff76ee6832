"""Builders for the S3 tests: tiny images, bucket contents, runs and listings."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PIL import Image

from customlabels.services import entries, projects, runner
from customlabels.services.context import Context
from customlabels.services.entry_query import EntryFilter
from customlabels.services.entry_views import EntryView
from customlabels.services.imports.start import start_dataset_create, start_dataset_update
from customlabels.services.jobs import JobInfo


def image(fmt: str = "PNG", size: tuple[int, int] = (72, 64), color: Any = (30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def jpeg(color: Any = (200, 40, 40), size: tuple[int, int] = (80, 60)) -> bytes:
    return image("JPEG", size, color)


def png(color: Any = (30, 120, 200), size: tuple[int, int] = (72, 64)) -> bytes:
    return image("PNG", size, color)


def put(s3: Any, bucket: str, objects: dict[str, bytes]) -> None:
    """Upload ``key -> bytes`` through the S3 protocol, a few at a time."""
    with ThreadPoolExecutor(8) as pool:
        for future in [
            pool.submit(s3.put_object, Bucket=bucket, Key=k, Body=v) for k, v in objects.items()
        ]:
            future.result()


def create(
    ctx: Context, source: dict[str, Any], project: str = "p", kind: str = "train"
) -> JobInfo:
    """Create the project (if new) and its dataset from ``source``; run the job to the end."""
    if project not in {p.name for p in projects.list_projects(ctx)}:
        projects.create_project(ctx, project)
    return runner.run_job(ctx, start_dataset_create(ctx, project, kind, source))


def update(
    ctx: Context, source: dict[str, Any], project: str = "p", kind: str = "train"
) -> JobInfo:
    return runner.run_job(ctx, start_dataset_update(ctx, project, kind, source))


def all_entries(ctx: Context, project: str = "p", kind: str = "train") -> list[EntryView]:
    return list(entries.iter_entries(ctx, project, kind, EntryFilter()))


def by_ref(ctx: Context, project: str = "p", kind: str = "train") -> dict[str, EntryView]:
    return {v.source_ref: v for v in all_entries(ctx, project, kind)}


def codes(view: EntryView) -> set[str]:
    return {i["code"] for i in view.issues}
