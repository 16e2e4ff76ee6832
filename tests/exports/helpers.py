"""Small builders shared by the export tests: a project with a dataset, and tiny images."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
from PIL import Image

from customlabels.services import entries, exports, projects, runner
from customlabels.services.context import Context
from customlabels.services.entry_query import EntryFilter
from customlabels.services.entry_views import EntryView
from customlabels.services.imports.start import start_dataset_create
from customlabels.services.jobs import JobInfo


def create(
    ctx: Context, source: dict[str, Any], project: str = "p", kind: str = "train"
) -> JobInfo:
    """Create the project (if new) and its dataset from ``source``; run the job to the end."""
    if project not in {p.name for p in projects.list_projects(ctx)}:
        projects.create_project(ctx, project)
    job = runner.run_job(ctx, start_dataset_create(ctx, project, kind, source))
    assert job.status == "SUCCEEDED", job.message
    return job


def export(ctx: Context, fmt: str, out: Path, project: str = "p", kind: str = "train") -> JobInfo:
    job = runner.run_job(ctx, exports.start_export(ctx, project, kind, fmt, str(out)))
    assert job.status == "SUCCEEDED", job.message
    return job


def all_entries(ctx: Context, project: str = "p", kind: str = "train") -> list[EntryView]:
    found: list[EntryView] = []
    token = None
    while True:
        page = entries.list_entries(ctx, project, kind, EntryFilter(), next_token=token, limit=100)
        found.extend(page.entries)
        token = page.next_token
        if token is None:
            return found


def encode(im: Image.Image, fmt: str, **params: Any) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def image(size: tuple[int, int], color: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    return encode(Image.new("RGB", size, color), fmt)


def save(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_lines(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    return path


def detection(ref: str, size: tuple[int, int], boxes: list[tuple[str, float, float, float, float]]):
    """A Ground Truth object-detection line for ``ref`` with ``boxes`` (label, l, t, w, h)."""
    names = list(dict.fromkeys(b[0] for b in boxes))
    return {
        "source-ref": ref,
        "bounding-box": {
            "image_size": [{"width": size[0], "height": size[1], "depth": 3}],
            "annotations": [
                {
                    "class_id": names.index(b[0]),
                    "left": b[1],
                    "top": b[2],
                    "width": b[3],
                    "height": b[4],
                }
                for b in boxes
            ],
        },
        "bounding-box-metadata": {
            "objects": [{"confidence": 1} for _ in boxes],
            "class-map": {str(i): n for i, n in enumerate(names)},
            "type": "groundtruth/object-detection",
        },
    }


def classification(ref: str, *labels: str) -> dict[str, Any]:
    """A Ground Truth line for ``ref`` with one classification attribute per label."""
    line: dict[str, Any] = {"source-ref": ref}
    for i, label in enumerate(labels):
        line[f"class-{i}"] = i
        line[f"class-{i}-metadata"] = {
            "class-name": label,
            "confidence": 1,
            "type": "groundtruth/image-classification",
        }
    return line
