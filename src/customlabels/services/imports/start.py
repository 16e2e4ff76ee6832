"""Creating and filling datasets from sources: folders, manifests, COCO/YOLO/VOC, datasets.

A source is described by a small dict stored on the job (and on the dataset, for re-syncs),
so a job can run in any worker: ``{"kind": "folder", "path": ..., "folder_labels": ...,
"label_level": 1, "folder_depth": None}`` (see :mod:`customlabels.formats.folder_labels`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from customlabels.db.tables import Dataset
from customlabels.errors import AlreadyExists, InvalidInput, ResourceInUse
from customlabels.formats.coco import read_coco
from customlabels.formats.folders import FolderScan, scan_folder
from customlabels.formats.groundtruth import read_manifest
from customlabels.formats.records import ImportRecord
from customlabels.formats.skips import SkipLog
from customlabels.formats.voc import read_voc
from customlabels.formats.yolo import read_yolo
from customlabels.services import readahead
from customlabels.services.context import Context
from customlabels.services.copying import copy_candidates
from customlabels.services.datasets import get_dataset, insert_dataset
from customlabels.services.folder_options import check_folder_options
from customlabels.services.ingest import Candidate, Ingestor, IngestSummary
from customlabels.services.jobs import (
    Progress,
    active_jobs_of_project,
    create_job,
    reap_killed_jobs,
)
from customlabels.services.s3_sources import check_s3_source, is_s3_source, run_s3_import

SOURCE_KINDS = ("folder", "manifest", "coco", "yolo", "voc", "dataset", "s3")


def check_source(source: dict[str, Any]) -> dict[str, Any]:
    """Validate a source description before any job is queued, naming what is wrong."""
    if is_s3_source(source):
        return check_s3_source(source)
    kind = source.get("kind")
    if kind not in SOURCE_KINDS:
        raise InvalidInput(f"unknown source kind {kind!r}; use one of {', '.join(SOURCE_KINDS)}")
    if kind == "dataset":
        if not source.get("project") or not source.get("type"):
            raise InvalidInput("copying needs the source project and dataset type")
        return source
    path = source.get("path")
    if not path:
        raise InvalidInput(f"a {kind} source needs a path")
    resolved = Path(path).expanduser().resolve()
    must_be_dir = kind in ("folder", "yolo", "voc")
    if must_be_dir and not resolved.is_dir():
        raise InvalidInput(f"folder {path!r} does not exist or is not a folder")
    if not must_be_dir and not resolved.is_file():
        raise InvalidInput(f"file {path!r} does not exist")
    checked = dict(source, path=str(resolved))
    if kind in ("manifest", "coco"):
        root = source.get("root") or str(resolved.parent)
        root_path = Path(root).expanduser().resolve()
        if not root_path.is_dir():
            raise InvalidInput(f"root folder {root!r} does not exist")
        checked["root"] = str(root_path)
    if kind == "folder":
        checked.update(check_folder_options(source))
    return checked


def _count_lines(path: Path) -> int:
    """Lines in a file, counting a last line without its newline (blank lines too)."""
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def open_source(
    ctx: Context, source: dict[str, Any], progress: Progress | None
) -> tuple[Iterable[ImportRecord | Candidate], Path | None, Any]:
    """Records of a source, the root its references resolve under, and the reader object."""
    kind = source["kind"]
    if kind == "folder":
        scan = scan_folder(
            Path(source["path"]),
            folder_labels=source.get("folder_labels", False),
            folder_depth=source.get("folder_depth"),
            label_level=source.get("label_level") or 1,
        )
        records = list(scan)
        if progress:
            progress.set_total(len(records))
        return records, Path(source["path"]), scan
    if kind == "manifest":
        path = Path(source["path"])
        if progress:
            progress.set_total(_count_lines(path))
        root = Path(source["root"])
        return _manifest_records(path, root, ctx.settings.max_manifest_line_chars), root, None
    if kind == "coco":
        records = list(read_coco(Path(source["path"]), Path(source["root"])))
    elif kind == "yolo":
        records = list(read_yolo(Path(source["path"])))
    elif kind == "voc":
        records = list(read_voc(Path(source["path"])))
    else:
        records = list(copy_candidates(ctx, source["project"], source["type"]))
    if progress:
        progress.set_total(len(records))
    return records, None, None


def _manifest_records(path: Path, root: Path, max_chars: int) -> Iterator[ImportRecord | Candidate]:
    if path.stat().st_size >= readahead.MIN_BYTES:
        # Big: parsed, and its files found, by a child process while this one writes.
        yield from readahead.manifest_candidates(path, root, max_chars)
        return
    with path.open("rb") as handle:
        yield from read_manifest(handle, max_chars=max_chars)


def start_dataset_create(ctx: Context, project: str, type_name: str, source: dict[str, Any]) -> int:
    """Create the dataset (CREATE_IN_PROGRESS) and its import job; returns the job id.

    Naming a dataset whose creation was interrupted (still CREATE_IN_PROGRESS with no live
    job, or CREATE_FAILED) starts the import again into it: imports are idempotent.
    """
    source = check_source(source)
    if source["kind"] == "dataset":
        with ctx.db.read() as session:
            get_dataset(session, source["project"], source["type"])  # fails when missing
    with ctx.db.write() as session:
        try:
            dataset = insert_dataset(
                session, project, type_name, status="CREATE_IN_PROGRESS", source=source
            )
        except AlreadyExists:
            dataset = _resumable(ctx, session, project, type_name)
            if dataset is None:
                raise
            dataset.status = "CREATE_IN_PROGRESS"
            dataset.status_message = "Dataset creation resumed"
            dataset.source = source
        job = create_job(
            session,
            "dataset.create",
            {"source": source},
            project_id=dataset.project_id,
            dataset_id=dataset.id,
        )
        return job.id


def _resumable(ctx: Context, session: Session, project: str, type_name: str) -> Dataset | None:
    """The dataset when its creation was interrupted or failed and may be started again."""
    dataset = get_dataset(session, project, type_name)
    if dataset.status not in ("CREATE_IN_PROGRESS", "CREATE_FAILED"):
        return None
    reap_killed_jobs(ctx, session, dataset.project_id)
    live = [
        j for j in active_jobs_of_project(session, dataset.project_id) if j.dataset_id == dataset.id
    ]
    if live:
        raise ResourceInUse(f"the dataset is still being created by job {live[0].id}; wait")
    return dataset


def start_dataset_update(ctx: Context, project: str, type_name: str, source: dict[str, Any]) -> int:
    """Add or replace entries of an existing dataset from a source (UpdateDatasetEntries)."""
    source = check_source(source)
    with ctx.db.write() as session:
        dataset = get_dataset(session, project, type_name)
        reap_killed_jobs(ctx, session, dataset.project_id)
        live = [
            j
            for j in active_jobs_of_project(session, dataset.project_id)
            if j.dataset_id == dataset.id
        ]
        if live:
            raise ResourceInUse("the dataset is being changed by another job; wait for it")
        dataset.status = "UPDATE_IN_PROGRESS"
        dataset.status_message = "Dataset is being updated"
        job = create_job(
            session,
            "dataset.update",
            {"source": source},
            project_id=dataset.project_id,
            dataset_id=dataset.id,
        )
        return job.id


def run_import(
    ctx: Context, dataset_id: int, source: dict[str, Any], progress: Progress | None
) -> tuple[IngestSummary, SkipLog]:
    """Import a source into a dataset; returns the summary and the files skipped."""
    with ctx.db.read() as session:
        dataset = session.get(Dataset, dataset_id)
        if dataset is None:
            raise InvalidInput(f"dataset {dataset_id} no longer exists")
        project_id = dataset.project_id
    if is_s3_source(source):
        return run_s3_import(ctx, dataset_id, project_id, source, progress)
    records, root, reader = open_source(ctx, source, progress)
    ingestor = Ingestor(ctx, dataset_id, project_id, progress, root=root)
    summary = ingestor.run(records)
    if progress is not None and progress.total != progress.done:
        # A line count is an estimate (blank lines give no record): end at done/done.
        progress.set_total(progress.done)
    if isinstance(reader, FolderScan):
        if reader.folder_labels:
            summary.extra["without_folder_label"] = reader.without_folder_label
        return summary, reader.skipped
    return summary, SkipLog()


def save_changes(ctx: Context, lines: list[str]) -> Path:
    """Keep JSON lines sent with a request as a file a job can read (in the data dir)."""
    folder = ctx.settings.data_dir / "changes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.manifest"
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line.replace("\n", " ").rstrip("\r") + "\n")
    return path
