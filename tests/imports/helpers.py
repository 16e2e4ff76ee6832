"""Small builders shared by the import tests: projects, runs, listings and tiny images."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from PIL import Image

from customlabels.services import entries, projects, runner
from customlabels.services.context import Context
from customlabels.services.entry_query import EntryFilter
from customlabels.services.entry_views import EntryView
from customlabels.services.imports.start import start_dataset_create, start_dataset_update
from customlabels.services.jobs import JobInfo

GREY = (128, 128, 128)
RED = (220, 20, 20)
# A marker near the raw image's top-left corner, wider than tall and off the diagonal, so
# each EXIF orientation puts it somewhere else in the upright image.
RAW_SIZE = (120, 80)
MARKER = (8, 12, 32, 16)  # left, top, width, height in raw pixels


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


def all_entries(
    ctx: Context, project: str = "p", kind: str = "train", flt: EntryFilter | None = None
) -> list[EntryView]:
    """Every entry of a dataset, following the cursor through all pages."""
    found: list[EntryView] = []
    token = None
    while True:
        page = entries.list_entries(
            ctx, project, kind, flt or EntryFilter(), next_token=token, limit=100
        )
        found.extend(page.entries)
        token = page.next_token
        if token is None:
            return found


def by_name(views: list[EntryView]) -> dict[str, EntryView]:
    """Entries keyed by the last part of their source-ref (the file name)."""
    return {v.source_ref.rsplit("/", 1)[-1]: v for v in views}


def codes(view: EntryView) -> set[str]:
    return {i["code"] for i in view.issues}


def encode(im: Image.Image, fmt: str, **params: Any) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def save(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def jpeg(size: tuple[int, int] = (80, 64), color: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    return encode(Image.new("RGB", size, color), "JPEG", quality=90)


def png(size: tuple[int, int] = (80, 64), color: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    return encode(Image.new("RGB", size, color), "PNG")


def marked_jpeg(orientation: int) -> bytes:
    """A grey 120x80 raw JPEG with a red marker and the given EXIF orientation."""
    im = Image.new("RGB", RAW_SIZE, GREY)
    left, top, width, height = MARKER
    im.paste(RED, (left, top, left + width, top + height))
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(im, "JPEG", quality=95, subsampling=0, exif=exif)


def red_box(im: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box (left, top, width, height) of the red pixels of a decoded image."""
    arr = np.asarray(im.convert("RGB")).astype(int)
    mask = (arr[..., 0] > 170) & (arr[..., 1] < 75) & (arr[..., 2] < 75)
    ys, xs = np.nonzero(mask)
    assert xs.size, "no red marker found"
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def write_lines(path: Path, lines: list[dict[str, Any] | str | bytes]) -> Path:
    """A manifest of ``lines``: dicts as JSON, str and bytes as given."""
    parts = []
    for line in lines:
        if isinstance(line, dict):
            parts.append(orjson.dumps(line))
        elif isinstance(line, str):
            parts.append(line.encode("utf-8"))
        else:
            parts.append(line)
    path.write_bytes(b"\n".join(parts) + b"\n")
    return path
