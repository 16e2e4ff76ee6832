"""Exports: Ground Truth manifest, COCO, YOLO, Pascal VOC, folder-per-label tree.

Exports that carry image files write upright pixels with no orientation tag (the coordinate
rule); the Ground Truth manifest points at the original files and is written in their raw
frame. Every export also tells which entries the hosted service would reject, and why.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from customlabels.db.tables import DatasetLabelStat
from customlabels.errors import AlreadyExists, InvalidInput
from customlabels.formats.coco import write_coco
from customlabels.formats.folders import write_folders
from customlabels.formats.groundtruth_images import ImagePlacement, unreadable_ref_issue
from customlabels.formats.groundtruth_write import manifest_line
from customlabels.formats.hosted_limits import dataset_issues, entry_issues
from customlabels.formats.image_files import write_file
from customlabels.formats.records import Box as RecordBox
from customlabels.formats.records import EntryIssue, ExportItem
from customlabels.formats.voc import write_voc
from customlabels.formats.yolo import write_yolo
from customlabels.imaging import upright_image
from customlabels.imaging.orientation import upright_to_raw_box
from customlabels.services import audit
from customlabels.services.assets import read_original
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset, project_label_names
from customlabels.services.entries import iter_entries
from customlabels.services.entry_views import EntryView
from customlabels.services.job_titles import export_title
from customlabels.services.jobs import Progress, create_job
from customlabels.storage.s3 import is_s3_uri

FORMATS = ("groundtruth", "coco", "yolo", "voc", "folders")
REPORT = "hosted_service_report.json"
SPLITS = {"TRAIN": "train", "TEST": "val"}


def check_export(fmt: str, out: str, overwrite: bool = False) -> None:
    """Refuse a bad format or target, and a target holding files the export would replace
    (unless ``overwrite``): an export never overwrites what it did not write unasked."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not out:
        raise InvalidInput("name where to write the export (--out)")
    if is_s3_uri(out):
        return
    target = Path(out)
    if fmt == "groundtruth":
        manifest = manifest_path(target)
        if manifest.is_dir():
            raise InvalidInput(f"{str(manifest)!r} is a folder, not a manifest file")
        if not overwrite and os.path.lexists(manifest):
            raise AlreadyExists(
                f"{str(manifest)!r} exists; ask to overwrite it (--overwrite) or name another"
            )
        return
    if os.path.lexists(target) and not target.is_dir():
        raise InvalidInput(f"{str(target)!r} exists and is not a folder")
    # The formats' files (images/, labels/, annotations.json, ...) land among what is there.
    if not overwrite and target.is_dir() and any(target.iterdir()):
        raise AlreadyExists(
            f"folder {str(target)!r} is not empty; ask to overwrite (--overwrite) or name "
            "an empty or new folder"
        )


def manifest_path(target: Path) -> Path:
    """The manifest a Ground Truth export writes: ``target`` itself when it names a
    .manifest or .jsonl file, else ``output.manifest`` in that folder. Its report,
    ``hosted_service_report.json`` beside it, is rewritten by every export there."""
    return target if target.suffix in (".manifest", ".jsonl") else target / "output.manifest"


def _item(ctx: Context, view: EntryView) -> ExportItem:
    asset = view.asset
    assert asset is not None
    sha = asset.sha256
    stem = Path(view.source_ref.rsplit("/", 1)[-1]).stem or "image"
    # upright_image keeps JPEGs as JPEG and writes everything else as PNG.
    ext = ".jpg" if asset.image_format == "JPEG" else ".png"
    max_pixels, max_decode = ctx.settings.max_image_pixels, ctx.settings.max_decode_bytes

    def read_upright() -> bytes:
        return upright_image(read_original(ctx, sha), max_pixels, max_decode)[0]

    return ExportItem(
        entry_id=view.id,
        source_ref=view.source_ref,
        labels=list(view.labels),
        boxes=[RecordBox(b.label, b.left, b.top, b.width, b.height) for b in view.boxes],
        width=asset.width,
        height=asset.height,
        image_name=f"{view.id:08d}-{_safe(stem)}{ext}",
        read_upright_image=read_upright,
        read_original=lambda: read_original(ctx, sha),
        raw_width=asset.raw_width,
        raw_height=asset.raw_height,
        orientation=asset.orientation,
        image_format=asset.image_format,
        byte_size=asset.byte_size,
    )


def _safe(stem: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)
    return cleaned[:80] or "image"


def run_export(
    ctx: Context,
    project: str,
    type_name: str,
    fmt: str,
    out: str,
    progress: Progress | None,
    overwrite: bool = False,
    *,
    placement: ImagePlacement | None = None,
    between_items: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Write the export; returns counts and the hosted-service report's location.

    ``placement``: which images a Ground Truth export copies beside its manifest (by
    default those outside S3, referred to relatively). ``between_items`` is called before
    each entry is read, when the files of the entries before it are complete (a zip
    download takes them away then).
    """
    check_export(fmt, out, overwrite)  # again: files may have come since it was asked for
    placement = placement or ImagePlacement()
    if is_s3_uri(out):
        from customlabels.services.s3_exports import export_to_s3  # it calls back here

        return export_to_s3(ctx, project, type_name, fmt, out, progress, run_export)
    with ctx.db.read() as session:
        dataset = get_dataset(session, project, type_name)
        label_names = project_label_names(session, dataset.project_id)
        total, used_labels = dataset.entry_count, _used_labels(session, dataset.id)
        split = SPLITS[dataset.dataset_type]
    if progress:
        progress.set_total(total)
    report: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    no_objects: set[int] = set()

    def items() -> Iterator[ExportItem]:
        for view in iter_entries(ctx, project, type_name):
            if between_items:
                between_items()
            if progress:
                progress.advance(1)
            if view.asset is None:
                skipped.append({"source-ref": view.source_ref, "reason": "no image"})
                continue
            item = _item(ctx, view)
            if view.no_objects:
                no_objects.add(view.id)
            problems = entry_issues(item)
            manifest_ref = placement.manifest_ref(item) if fmt == "groundtruth" else None
            unreadable = manifest_ref and unreadable_ref_issue(manifest_ref)
            if unreadable:
                problems.append(unreadable)
            if problems:
                report.append(_report_row(view.source_ref, problems, manifest_ref))
            yield item

    target = Path(out)
    if fmt == "groundtruth":
        manifest = manifest_path(target)
        written = _write_groundtruth(items(), manifest, no_objects, placement)
        report_dir = manifest.parent
    else:
        target.mkdir(parents=True, exist_ok=True)
        if fmt == "coco":
            summary = write_coco(items(), target, label_names, split=split)
        elif fmt == "yolo":
            summary = write_yolo(items(), target, label_names, split=split)
        elif fmt == "voc":
            summary = write_voc(items(), target, label_names, split=split)
        else:
            summary = write_folders(items(), target, label_names)
        written = summary.images_written
        report_dir = target
    whole = dataset_issues(used_labels, total)
    (report_dir / REPORT).write_bytes(
        orjson.dumps(
            {
                "dataset": [
                    {"code": i.code, "message": i.message, "severity": i.severity} for i in whole
                ],
                "entries": report,
                "not_exported": skipped,
            },
            option=orjson.OPT_INDENT_2,
        )
    )
    return {
        "format": fmt,
        "out": str(target),
        "entries_written": written,
        "entries_hosted_would_reject": sum(
            1 for r in report if any(i["severity"] == "ERROR" for i in r["issues"])
        ),
        "entries_with_hosted_warnings": len(report),
        "not_exported": len(skipped),
        "report": str(report_dir / REPORT),
    }


def _used_labels(session: Session, dataset_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                DatasetLabelStat.dataset_id == dataset_id,
                (DatasetLabelStat.entry_count > 0) | (DatasetLabelStat.box_count > 0),
            )
        )
        or 0
    )


def _report_row(
    source_ref: str, problems: list[EntryIssue], manifest_ref: str | None
) -> dict[str, Any]:
    row: dict[str, Any] = {"source-ref": source_ref}
    if manifest_ref is not None and manifest_ref != source_ref:
        row["manifest-ref"] = manifest_ref  # a copy of the image, written by the export
    return row | {
        "issues": [
            {"code": i.code, "message": i.message, "severity": i.severity} for i in problems
        ],
    }


def raw_frame(item: ExportItem) -> tuple[list[RecordBox], tuple[int, int]]:
    """Boxes and image size in the original file's raw frame (what the hosted service reads)."""
    raw_w = item.raw_width or item.width
    raw_h = item.raw_height or item.height
    boxes = [
        RecordBox(
            b.label,
            *upright_to_raw_box(b.left, b.top, b.width, b.height, item.orientation, raw_w, raw_h),
        )
        for b in item.boxes
    ]
    return boxes, (raw_w, raw_h)


def _write_groundtruth(
    items: Iterator[ExportItem], manifest: Path, no_objects: set[int], placement: ImagePlacement
) -> int:
    """Write the manifest, and the copies of the images ``placement`` asks for beside it;
    ``no_objects`` (filled as items are read) keeps empty detections."""
    manifest.parent.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    count = 0
    tmp = manifest.with_name(manifest.name + ".partial")
    with tmp.open("w", encoding="utf-8") as handle:
        for item in items:
            boxes, size = raw_frame(item)
            carried = placement.carried_path(item)
            if carried is not None:
                if item.read_original is None:
                    raise ValueError(f"entry {item.entry_id}: its original image is unknown")
                # The original bytes: the line's boxes are in their raw frame.
                write_file(manifest.parent / carried, item.read_original())
            handle.write(
                manifest_line(
                    placement.manifest_ref(item),
                    item.labels,
                    boxes,
                    size if boxes or item.entry_id in no_objects else None,
                    creation_date=created,
                )
            )
            handle.write("\n")
            count += 1
    os.replace(tmp, manifest)
    return count


def start_export(
    ctx: Context, project: str, type_name: str, fmt: str, out: str, *, overwrite: bool = False
) -> int:
    """Record an export job, after checking the format and target (see check_export)."""
    check_export(fmt, out, overwrite)
    with ctx.db.write() as session:
        dataset = get_dataset(session, project, type_name)
        params = {"type": dataset.dataset_type, "format": fmt, "out": out, "overwrite": overwrite}
        job = create_job(
            session,
            "dataset.export",
            params,
            title=export_title(dataset.dataset_type, fmt, out),
            project_id=dataset.project_id,
            dataset_id=dataset.id,
        )
        audit.record(
            session, "dataset.export", dataset=dataset, detail={"format": fmt, "job_id": job.id}
        )
        return job.id
