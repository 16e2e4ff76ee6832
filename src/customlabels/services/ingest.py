"""The one path every import takes: records in, assets stored, entries upserted.

Imports are idempotent: entries are upserted by ``source-ref`` and assets by SHA-256, so an
import killed half-way and started again finishes without duplicates or losses. Records are
handled in batches; while one batch's images are analysed (hash, probe, thumbnail) on a
pool, the previous batch is written in one short transaction, so SQLite's single writer
is never held for long.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from customlabels.db.tables import Asset, Box, Entry, EntryLabel, utcnow
from customlabels.formats.paths import local_source_ref
from customlabels.formats.records import Box as RecordBox
from customlabels.formats.records import EntryIssue, ImportRecord
from customlabels.imaging import Analysed, InvalidImage, analyse_file, analyse_image
from customlabels.imaging.orientation import raw_to_upright_box
from customlabels.services import stats
from customlabels.services.assets import insert_assets, known_sources, put_blobs, remember_sources
from customlabels.services.context import Context
from customlabels.services.jobs import Progress
from customlabels.services.labels import ensure_labels
from customlabels.services.source_files import UnresolvableSource, resolve_source_ref, stat_file

BATCH = 256
# Codes after which the line names no image we could read.
NO_IMAGE_CODES = {
    "ERROR_INVALID_JSON_LINE",
    "ERROR_MISSING_SOURCE_REF",
    "ERROR_INVALID_SOURCE_REF_FORMAT",
}


@dataclass(frozen=True)
class AssetDims:
    id: int
    width: int
    height: int
    raw_width: int
    raw_height: int
    orientation: int


@dataclass
class Candidate:
    """A record on its way in, with what we learn about its image."""

    record: ImportRecord
    data: bytes | None = None  # uploaded bytes, when the image is not a file
    path: str | None = None
    fingerprint: str | None = None
    asset: AssetDims | None = None
    future: Future[Any] | None = None
    analysed: tuple[Analysed, bytes] | None = None
    # (code, message) when the record's file could not be found or read.
    unresolved: tuple[str, str] | None = None
    # A remote object (S3): ``fetch`` downloads its bytes on the import's download pool
    # (raising UnresolvableSource with the entry's error code when it can't); ``source_key``
    # (its s3:// URI) names it in source_assets and ``fingerprint`` ("etag:size") says whether
    # it changed since. Candidates with one fingerprint share one download.
    fetch: Callable[[], bytes] | None = None
    source_key: str | None = None

    def add_issue(self, code: str, message: str, severity: str = "ERROR") -> None:
        self.record.issues.append(EntryIssue(code, message, severity))  # type: ignore[arg-type]


@dataclass
class IngestSummary:
    entries: int = 0
    created: int = 0
    updated: int = 0
    with_errors: int = 0
    images_read: int = 0
    labels: set[str] = field(default_factory=set)
    # What a source adds to the job's result (an S3 sync: unchanged, removed, downloaded).
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "created": self.created,
            "updated": self.updated,
            "with_errors": self.with_errors,
            "images_read": self.images_read,
            "labels": len(self.labels),
            **self.extra,
        }


def _analyse_path(path: str, size: int, max_pixels: int, max_bytes: int) -> Any:
    try:
        return analyse_file(path, size, max_pixels, max_bytes)
    except InvalidImage as exc:
        return exc
    except OSError as exc:
        return ("ERROR_INVALID_IMAGE", f"cannot read {path!r}: {exc.strerror or exc}")


def _fetch_and_analyse(fetch: Callable[[], bytes], cpu: threading.Semaphore, *args: int) -> Any:
    """Download on a pool thread, then analyse holding one of ``import_workers`` CPU slots."""
    try:
        data = fetch()
    except UnresolvableSource as exc:
        return (exc.code, str(exc))
    with cpu:
        return _analyse_bytes(data, *args)


def _source_key(cand: Candidate) -> str | None:
    """The source_assets key of a candidate: its s3:// URI, or its local file's URI."""
    if cand.source_key:
        return cand.source_key
    return local_source_ref(Path(cand.path)) if cand.path else None


def _analyse_bytes(data: bytes, size: int, max_pixels: int, max_bytes: int) -> Any:
    if len(data) > max_bytes:
        return (
            "ERROR_INVALID_IMAGE",
            f"image of {len(data)} bytes exceeds the limit of {max_bytes}",
        )
    try:
        return analyse_image(data, size, max_pixels), data
    except InvalidImage as exc:
        return exc


class Ingestor:
    """Upserts records into one dataset, reporting progress on a job."""

    def __init__(
        self,
        ctx: Context,
        dataset_id: int,
        project_id: int,
        progress: Progress | None,
        *,
        root: Path | None = None,
    ) -> None:
        self.ctx = ctx
        self.dataset_id = dataset_id
        self.project_id = project_id
        self.progress = progress
        self.root = root
        self.summary = IngestSummary()
        self._label_ids: dict[str, int] = {}
        self._seen: dict[str, int] = {}
        self._by_fingerprint: dict[str, AssetDims] = {}
        self._executor: Executor | None = None
        self._downloads: Executor | None = None
        self._cpu = threading.Semaphore(max(1, ctx.settings.import_workers))
        self._inflight: dict[str, Future[Any]] = {}
        self._sizes: dict[str, int] = {}  # remote fingerprint -> byte size

    # -- public ---------------------------------------------------------------------------

    def run(self, items: Iterable[ImportRecord | Candidate]) -> IngestSummary:
        try:
            pending: list[Candidate] | None = None
            for batch in _batches(items, BATCH):
                prepared = self._prepare(batch)
                if pending is not None:
                    self._finish(pending)
                pending = prepared
            if pending is not None:
                self._finish(pending)
        finally:
            if self._downloads is not None:
                self._downloads.shutdown(wait=True, cancel_futures=True)
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
        return self.summary

    # -- stage 1: dedupe, find files, reuse known assets, start analysis -----------------

    def _prepare(self, batch: list[Candidate]) -> list[Candidate]:
        latest: dict[str, Candidate] = {}
        for cand in batch:
            ref = cand.record.source_ref
            line = cand.record.line_number or 0
            if ref in self._seen:
                cand.add_issue(
                    "WARNING_DUPLICATE_SOURCE_REF",
                    f"line {line} repeats the source-ref of line {self._seen[ref]}; "
                    "the later line was kept",
                    "WARNING",
                )
            latest[ref] = cand
            self._seen[ref] = line
        kept = list(latest.values())
        if self.progress is not None and len(kept) < len(batch):
            self.progress.advance(len(batch) - len(kept))  # repeated lines are done too
        for cand in kept:
            self._locate(cand)
        self._reuse_known(kept)
        for cand in kept:
            if cand.asset is None and (
                cand.path or cand.data is not None or cand.fetch is not None
            ):
                self._start_analysis(cand)
        return kept

    def _locate(self, cand: Candidate) -> None:
        record = cand.record
        if cand.source_key is not None:  # remote: nothing to find on disk
            if cand.fetch is not None and cand.fingerprint:
                cand.asset = self._by_fingerprint.get(cand.fingerprint)
            return
        if cand.asset is not None or cand.data is not None:
            return
        if any(i.code in NO_IMAGE_CODES for i in record.issues):
            return
        try:
            path = record.local_path or resolve_source_ref(record.source_ref, self.root)
            local = stat_file(path)
        except UnresolvableSource as exc:
            # Decided in _reuse_known: an update of an entry we already hold needs no file.
            cand.unresolved = (exc.code, str(exc))
            return
        if local.byte_size > self.ctx.settings.max_image_bytes:
            cand.add_issue(
                "ERROR_INVALID_IMAGE",
                f"image of {local.byte_size} bytes exceeds the limit of "
                f"{self.ctx.settings.max_image_bytes} bytes",
            )
            return
        cand.path, cand.fingerprint = local.path, local.fingerprint
        cand.asset = self._by_fingerprint.get(local.fingerprint)

    def _reuse_known(self, batch: list[Candidate]) -> None:
        self._reuse_entry_assets([c for c in batch if c.unresolved])
        lookup = [(c, k) for c in batch if c.asset is None and (k := _source_key(c))]
        if not lookup:
            return
        with self.ctx.db.read() as session:
            known = known_sources(session, list({k for _, k in lookup}))
            hits = {
                key: known[key][0]
                for c, key in lookup
                if key in known and known[key][1] == c.fingerprint
            }
            dims = _asset_dims(session, set(hits.values()))
        for cand, key in lookup:
            if key in hits:
                cand.asset = dims.get(hits[key])

    def _reuse_entry_assets(self, unresolved: list[Candidate]) -> None:
        """Lines that change an entry we hold keep its image when the file can't be read.

        This is UpdateDatasetEntries' way: a line that relabels a known source-ref needs no
        access to the image again. Lines naming unknown images get the resolution error.
        """
        if not unresolved:
            return
        with self.ctx.db.read() as session:
            held = dict(
                session.execute(
                    select(Entry.source_ref, Entry.asset_id).where(
                        Entry.dataset_id == self.dataset_id,
                        Entry.source_ref.in_([c.record.source_ref for c in unresolved]),
                        Entry.asset_id.is_not(None),
                    )
                ).all()
            )
            dims = _asset_dims(session, {a for a in held.values() if a is not None})
        for cand in unresolved:
            asset_id = held.get(cand.record.source_ref)
            if asset_id is not None and asset_id in dims:
                cand.asset = dims[asset_id]
            elif cand.unresolved is not None:
                cand.add_issue(*cand.unresolved)
            cand.unresolved = None

    def _start_analysis(self, cand: Candidate) -> None:
        settings = self.ctx.settings
        args = (settings.thumbnail_size, settings.max_image_pixels, settings.max_image_bytes)
        if self._executor is None:
            # Threads, not processes: hashing, decoding and resizing release the GIL, and
            # the image bytes need no copying between processes.
            self._executor = ThreadPoolExecutor(max(1, settings.import_workers))
        if cand.fetch is not None:
            shared = self._inflight.get(cand.fingerprint or "")
            if shared is not None:
                cand.future = shared
                return
            if self._downloads is None:
                # Downloads wait on the network: many in flight, while at most
                # import_workers of them analyse at once (the _cpu semaphore).
                self._downloads = ThreadPoolExecutor(
                    max(1, settings.s3_max_concurrency), thread_name_prefix="download"
                )
            cand.future = self._downloads.submit(_fetch_and_analyse, cand.fetch, self._cpu, *args)
            if cand.fingerprint:
                self._inflight[cand.fingerprint] = cand.future
        elif cand.data is not None:
            cand.future = self._executor.submit(_analyse_bytes, cand.data, *args)
        else:
            cand.future = self._executor.submit(_analyse_path, cand.path, *args)

    # -- stage 2: store bytes, write rows ------------------------------------------------

    def _finish(self, batch: list[Candidate]) -> None:
        for cand in batch:
            if cand.future is None:
                continue
            outcome = cand.future.result()
            if cand.fingerprint and self._inflight.get(cand.fingerprint) is cand.future:
                del self._inflight[cand.fingerprint]
            cand.future = None
            if isinstance(outcome, InvalidImage):
                cand.add_issue(outcome.code, str(outcome))
            elif isinstance(outcome, tuple) and isinstance(outcome[0], str):
                cand.add_issue(outcome[0], outcome[1])
            else:
                cand.analysed = outcome
        # By hash: candidates that shared one download hold the same analysis.
        fresh = list({c.analysed[0].sha256: c.analysed for c in batch if c.analysed}.values())
        put_blobs(self.ctx, fresh)
        self.summary.images_read += len(fresh)
        with self.ctx.db.write() as session:
            ids = insert_assets(
                session,
                [a for a, _ in fresh],
                thumbnails=not self.ctx.settings.thumbnails_in_store,
            )
            sources = []
            for cand in batch:
                if cand.analysed is None:
                    # A remote object whose bytes another key of this import held: remember
                    # it too, so the next sync knows it unchanged without downloading it.
                    if cand.fetch and cand.asset and cand.fingerprint in self._sizes:
                        sources.append(
                            {
                                "source_ref": cand.source_key,
                                "asset_id": cand.asset.id,
                                "byte_size": self._sizes[cand.fingerprint],
                                "fingerprint": cand.fingerprint,
                            }
                        )
                    continue
                info = cand.analysed[0].info
                cand.asset = AssetDims(
                    ids[cand.analysed[0].sha256],
                    info.width,
                    info.height,
                    info.raw_width,
                    info.raw_height,
                    info.orientation,
                )
                if cand.fingerprint and (key := _source_key(cand)):
                    self._by_fingerprint[cand.fingerprint] = cand.asset
                    if cand.fetch is not None:
                        self._sizes[cand.fingerprint] = cand.analysed[0].byte_size
                    sources.append(
                        {
                            "source_ref": key,
                            "asset_id": cand.asset.id,
                            "byte_size": cand.analysed[0].byte_size,
                            "fingerprint": cand.fingerprint,
                        }
                    )
            remember_sources(session, sources)
            for cand in batch:
                _place_boxes(cand)
            self._write_entries(session, batch)
        errors = sum(1 for c in batch if c.record.has_errors)
        self.summary.with_errors += errors
        if self.progress is not None:
            self.progress.advance(len(batch), errors)

    def _write_entries(self, session: Session, batch: list[Candidate]) -> None:
        names = {n for c in batch for n in c.record.labels} | {
            b.label for c in batch for b in c.record.boxes
        }
        missing = names - set(self._label_ids)
        if missing:
            self._label_ids.update(ensure_labels(session, self.project_id, missing))
        self.summary.labels |= names
        refs = [c.record.source_ref for c in batch]
        existing = dict(
            session.execute(
                select(Entry.source_ref, Entry.id).where(
                    Entry.dataset_id == self.dataset_id, Entry.source_ref.in_(refs)
                )
            ).all()
        )
        now = utcnow()
        before = stats.contribution(session, list(existing.values()))
        if existing:
            old_ids = list(existing.values())
            session.execute(delete(EntryLabel).where(EntryLabel.entry_id.in_(old_ids)))
            session.execute(delete(Box).where(Box.entry_id.in_(old_ids)))
        rows_new, rows_old = [], []
        for cand in batch:
            row = self._entry_row(cand)
            if cand.record.source_ref in existing:
                row["id"] = existing[cand.record.source_ref]
                rows_old.append(row)
            else:
                row.update(
                    dataset_id=self.dataset_id,
                    source_ref=cand.record.source_ref,
                    version=1,
                    created_at=now,
                )
                rows_new.append(row)
        if rows_old:
            for row in rows_old:
                row["updated_at"] = now
            session.execute(update(Entry), rows_old)
            session.execute(
                update(Entry)
                .where(Entry.id.in_([r["id"] for r in rows_old]))
                .values(version=Entry.version + 1)
                .execution_options(synchronize_session=False)
            )
        if rows_new:
            for row in rows_new:
                row["updated_at"] = now
            created = session.execute(
                insert(Entry).returning(Entry.id, Entry.source_ref, sort_by_parameter_order=True),
                rows_new,
            ).all()
            existing.update({ref: entry_id for entry_id, ref in created})
        label_rows, box_rows = [], []
        after = stats.Contribution()
        d = self.dataset_id
        for cand in batch:
            entry_id = existing[cand.record.source_ref]
            record = cand.record
            for name in dict.fromkeys(record.labels):
                label_id = self._label_ids[name]
                label_rows.append({"entry_id": entry_id, "label_id": label_id, "dataset_id": d})
                after.labels[(d, label_id, "entries")] += 1
            for box in record.boxes:
                label_id = self._label_ids[box.label]
                box_rows.append(
                    {
                        "entry_id": entry_id,
                        "dataset_id": d,
                        "label_id": label_id,
                        "left": box.left,
                        "top": box.top,
                        "width": box.width,
                        "height": box.height,
                    }
                )
                after.labels[(d, label_id, "boxes")] += 1
            row_flags = self._flags(cand)
            after.datasets[(d, "entries")] += 1
            after.datasets[(d, "labeled")] += int(row_flags["is_labeled"])
            after.datasets[(d, "errors")] += int(row_flags["has_errors"])
        if label_rows:
            session.execute(insert(EntryLabel), label_rows)
        if box_rows:
            session.execute(insert(Box), box_rows)
        stats.apply_delta(session, before, after)
        self.summary.entries += len(batch)
        self.summary.created += len(rows_new)
        self.summary.updated += len(rows_old)

    @staticmethod
    def _flags(cand: Candidate) -> dict[str, bool]:
        record = cand.record
        # A detection line with an empty annotations list is labelled: it shows no objects.
        no_objects = (
            not record.boxes
            and not record.labels
            and (
                record.is_labeled is True
                or any(i.code == "WARNING_NO_ANNOTATIONS" for i in record.issues)
            )
        )
        return {
            "has_boxes": bool(record.boxes),
            "no_objects": no_objects,
            "is_labeled": bool(record.labels or record.boxes or no_objects),
            "has_errors": record.has_errors,
        }

    def _entry_row(self, cand: Candidate) -> dict[str, Any]:
        record = cand.record
        return {
            "asset_id": cand.asset.id if cand.asset else None,
            "issues": [
                {"code": i.code, "message": i.message, "severity": i.severity}
                for i in record.issues
            ],
            "raw_line": record.raw_line,
            **self._flags(cand),
        }


def _asset_dims(session: Session, ids: set[int]) -> dict[int, AssetDims]:
    if not ids:
        return {}
    rows = session.execute(
        select(
            Asset.id,
            Asset.width,
            Asset.height,
            Asset.raw_width,
            Asset.raw_height,
            Asset.orientation,
        ).where(Asset.id.in_(list(ids)))
    ).all()
    return {r[0]: AssetDims(*r) for r in rows}


def _place_boxes(cand: Candidate) -> None:
    """Bring the record's boxes into the upright pixel frame of its image (the coordinate rule).

    A Ground Truth ``image_size`` equal to the raw size (and not the upright one) means the
    boxes are in the raw frame; when both match, the raw frame is assumed, as the hosted
    service ignores EXIF. Boxes outside the image are dropped with an error.
    """
    record, asset = cand.record, cand.asset
    if asset is None or not record.boxes:
        return
    placed: list[RecordBox] = []
    for box in record.boxes:
        left, top, width, height = box.left, box.top, box.width, box.height
        if record.box_units == "relative":
            left, width = left * asset.width, width * asset.width
            top, height = top * asset.height, height * asset.height
        elif record.frame == "raw":
            left, top, width, height = _raw_frame_box(cand, box)
        if (
            left < -0.5
            or top < -0.5
            or left + width > asset.width + 0.5
            or (top + height > asset.height + 0.5)
        ):
            cand.add_issue(
                "ERROR_INVALID_BOUNDING_BOX",
                f"box of {box.label!r} at ({box.left:g}, {box.top:g}, {box.width:g}, "
                f"{box.height:g}) lies outside the {asset.width}x{asset.height} image; dropped",
            )
            continue
        placed.append(RecordBox(box.label, left, top, width, height))
    record.boxes = placed


def _raw_frame_box(cand: Candidate, box: RecordBox) -> tuple[float, float, float, float]:
    record, asset = cand.record, cand.asset
    assert asset is not None
    size = record.image_size
    raw = (asset.raw_width, asset.raw_height)
    upright = (asset.width, asset.height)
    if size is not None and size != raw and size == upright:
        return box.left, box.top, box.width, box.height
    if size is not None and size not in (raw, upright):
        cand.add_issue(
            "WARNING_IMAGE_SIZE_MISMATCH",
            f"image_size {size[0]}x{size[1]} differs from the image's {raw[0]}x{raw[1]}; "
            "boxes were scaled to the image",
            "WARNING",
        )
        sx, sy = raw[0] / size[0], raw[1] / size[1]
        box = RecordBox(box.label, box.left * sx, box.top * sy, box.width * sx, box.height * sy)
    return raw_to_upright_box(box.left, box.top, box.width, box.height, asset.orientation, *raw)


def _batches(items: Iterable[ImportRecord | Candidate], size: int) -> Iterator[list[Candidate]]:
    batch: list[Candidate] = []
    for item in items:
        batch.append(item if isinstance(item, Candidate) else Candidate(item))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
