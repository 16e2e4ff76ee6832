"""The one path every import takes: records in, assets stored, entries upserted.

Imports are idempotent: entries are upserted by ``source-ref`` and assets by SHA-256, so an
import killed half-way and started again finishes without duplicates or losses. Records are
handled in batches; while one batch's images are analysed (hash, probe, thumbnail) on a
pool, the previous batch is written in one short transaction, so SQLite's single writer
is never held for long.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from customlabels.db.tables import Asset, Box, Dataset, Entry, EntryLabel, utcnow
from customlabels.formats.records import Box as RecordBox
from customlabels.formats.records import EntryIssue, ImportRecord
from customlabels.imaging import Analysed, InvalidImage
from customlabels.imaging.orientation import raw_to_upright_box
from customlabels.services import analysis_tasks, stats
from customlabels.services.analysis_pool import process_pool
from customlabels.services.analysis_tasks import PROCESS_CHUNK, PortableFetch
from customlabels.services.assets import insert_assets, known_sources, put_blobs, remember_sources
from customlabels.services.bulk_gc import bulk_gc
from customlabels.services.context import Context
from customlabels.services.jobs import Progress
from customlabels.services.labels import ensure_labels
from customlabels.services.source_files import (
    LocalFile,
    SourceFiles,
    UnresolvableSource,
    stat_file,
)
from customlabels.services.sql_helpers import driver_values, insert_rows
from customlabels.storage.local import LocalBlobStore

BATCH = 256
# Local files in the first batch from which the analysis moves to processes (import_pool=auto).
PROCESS_POOL_MIN_FILES = 64
# A batch whose images all need no analysis (known files, known objects) is only rows to
# write, which costs less per line in bigger transactions: the next batch doubles, up to this.
MAX_BATCH = 4096
# An entry row as _insert_entries builds it (the flags in the order of _flag_values).
ENTRY_COLUMNS = [
    "id",
    "dataset_id",
    "source_ref",
    "asset_id",
    "version",
    "has_boxes",
    "no_objects",
    "is_labeled",
    "has_errors",
    "issues",
    "raw_line",
    "created_at",
    "updated_at",
]
LABEL_COLUMNS = ["entry_id", "label_id", "dataset_id"]
BOX_COLUMNS = ["entry_id", "dataset_id", "label_id", "left", "top", "width", "height"]
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
    # Its source-ref was on a line of an earlier batch of this import (so it may be stored).
    repeated: bool = False
    # The local file of the source-ref, or why there is none, when a reader found it ahead
    # (services.readahead); None: the importer finds it.
    local: LocalFile | UnresolvableSource | None = None
    # Where this candidate's outcome sits in the list its ``future`` gives, when it was
    # analysed in a chunk of files (process pool); None: the future gives the outcome itself.
    chunk_index: int | None = None

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


def _portable(cand: Candidate) -> bool:
    """Whether a worker process can read this candidate's image (a local file, or a fetch
    that needs nothing of this process)."""
    if cand.fetch is not None:
        return isinstance(cand.fetch, PortableFetch)
    return bool(cand.path) and cand.data is None


def _source_key(cand: Candidate) -> str | None:
    """The source_assets key of a candidate: its s3:// URI, or its local file's URI."""
    if cand.source_key:
        return cand.source_key
    # ``cand.path`` is a real path (the readers and SourceFiles resolve it), so this is
    # local_source_ref(cand.path) without walking the path again for every lookup.
    return "file://" + Path(cand.path).as_posix() if cand.path else None


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
        # Resolves source-refs under the root with the root's and folders' real paths cached.
        self._files = SourceFiles(root)
        self.summary = IngestSummary()
        self._label_ids: dict[str, int] = {}
        self._seen: dict[str, int] = {}
        self._by_fingerprint: dict[str, AssetDims] = {}
        self._executor: Executor | None = None
        self._use_processes: bool | None = None
        self._downloads: Executor | None = None
        self._cpu = threading.Semaphore(max(1, ctx.settings.import_workers))
        # Downloads under way by fingerprint: the future, and the index in its chunk's list.
        self._inflight: dict[str, tuple[Future[Any], int | None]] = {}
        self.downloads_started = 0
        self._sizes: dict[str, int] = {}  # remote fingerprint -> byte size
        self._batch_size = BATCH
        # Whether the dataset held no entries but those this import created (None: not
        # known yet); then only repeated source-refs need looking up before writing.
        self._fresh: bool | None = None
        self._created = 0

    # -- public ---------------------------------------------------------------------------

    def run(self, items: Iterable[ImportRecord | Candidate]) -> IngestSummary:
        with bulk_gc():
            return self._run(items)

    def _run(self, items: Iterable[ImportRecord | Candidate]) -> IngestSummary:
        try:
            pending: list[Candidate] | None = None
            for batch in _batches(items, lambda: self._batch_size):
                prepared = self._prepare(batch)
                if any(c.future is not None for c in prepared):
                    self._batch_size = BATCH  # images to analyse: keep the pipeline short
                else:
                    self._batch_size = min(self._batch_size * 2, MAX_BATCH)
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
        seen = self._seen
        for cand in batch:
            record = cand.record
            ref = record.source_ref
            line = record.line_number or 0
            if ref in seen:
                if ref not in latest:
                    cand.repeated = True  # seen in an earlier batch
                else:
                    cand.repeated = latest[ref].repeated
                cand.add_issue(
                    "WARNING_DUPLICATE_SOURCE_REF",
                    f"line {line} repeats the source-ref of line {seen[ref]}; "
                    "the later line was kept",
                    "WARNING",
                )
            latest[ref] = cand
            seen[ref] = line
        kept = list(latest.values())
        if self.progress is not None and len(kept) < len(batch):
            self.progress.advance(len(batch) - len(kept))  # repeated lines are done too
        for cand in kept:
            self._locate(cand)
        self._reuse_known(kept)
        todo = [
            cand
            for cand in kept
            if cand.asset is None and (cand.path or cand.data is not None or cand.fetch is not None)
        ]
        if self._use_processes is None and todo:
            # Decided on the first batch with work: a process start only pays off for many files.
            mode = self.ctx.settings.import_pool
            many = sum(1 for c in todo if _portable(c)) >= PROCESS_POOL_MIN_FILES
            self._use_processes = mode == "processes" or (mode == "auto" and many)
        if self._use_processes:
            todo = self._start_chunks(todo)
        for cand in todo:
            self._start_analysis(cand)
        return kept

    def _start_chunks(self, todo: list[Candidate]) -> list[Candidate]:
        """Send local files and portable fetches to the process pool in chunks; returns the
        other candidates."""
        settings = self.ctx.settings
        args = (settings.thumbnail_size, settings.max_image_pixels, settings.max_image_bytes)
        pool = process_pool(max(1, settings.import_workers))
        root = str(self.ctx.blobs.root) if isinstance(self.ctx.blobs, LocalBlobStore) else None
        files = [c for c in todo if c.path and c.fetch is None and c.data is None]
        fetches: list[Candidate] = []
        sharing: list[Candidate] = []  # keys whose object another key of this import fetches
        fetching: set[str] = set()
        for cand in todo:
            if isinstance(cand.fetch, PortableFetch):
                fingerprint = cand.fingerprint or ""
                if fingerprint in self._inflight or fingerprint in fetching:
                    sharing.append(cand)
                else:
                    fetches.append(cand)
                    if fingerprint:
                        fetching.add(fingerprint)
        for start in range(0, len(files), PROCESS_CHUNK):
            chunk = files[start : start + PROCESS_CHUNK]
            paths = [c.path for c in chunk]
            future = pool.submit(analysis_tasks.analyse_chunk, paths, root, *args)
            for index, cand in enumerate(chunk):
                cand.future, cand.chunk_index = future, index
        for start in range(0, len(fetches), PROCESS_CHUNK):
            chunk = fetches[start : start + PROCESS_CHUNK]
            future = pool.submit(analysis_tasks.fetch_chunk, [c.fetch for c in chunk], root, *args)
            self.downloads_started += len(chunk)
            for index, cand in enumerate(chunk):
                cand.future, cand.chunk_index = future, index
                if cand.fingerprint:
                    self._inflight[cand.fingerprint] = (future, index)
        for cand in sharing:
            cand.future, cand.chunk_index = self._inflight[cand.fingerprint or ""]
        started = {id(c) for c in todo if c.future is not None}
        return [c for c in todo if id(c) not in started]

    def _locate(self, cand: Candidate) -> None:
        record = cand.record
        if cand.source_key is not None:  # remote: nothing to find on disk
            if cand.fetch is not None and cand.fingerprint:
                cand.asset = self._by_fingerprint.get(cand.fingerprint)
            return
        if cand.asset is not None or cand.data is not None:
            return
        if record.issues and any(i.code in NO_IMAGE_CODES for i in record.issues):
            return
        local = cand.local
        if local is None:
            try:
                if record.local_path:
                    local = stat_file(record.local_path)
                else:
                    local = self._files.locate(record.source_ref)
            except UnresolvableSource as exc:
                local = exc
        if isinstance(local, UnresolvableSource):
            # Decided in _reuse_known: an update of an entry we already hold needs no file.
            cand.unresolved = (local.code, str(local))
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
            # Threads for small imports, uploads and downloads (no process start, no copy of
            # the bytes); local files of a big import go to processes (_start_chunks).
            self._executor = ThreadPoolExecutor(max(1, settings.import_workers))
        if cand.fetch is not None:
            shared = self._inflight.get(cand.fingerprint or "")
            if shared is not None:
                cand.future, cand.chunk_index = shared
                return
            self.downloads_started += 1
            if self._downloads is None:
                # Downloads wait on the network: many in flight, while at most
                # import_workers of them analyse at once (the _cpu semaphore).
                self._downloads = ThreadPoolExecutor(
                    max(1, settings.s3_max_concurrency), thread_name_prefix="download"
                )
            cand.future = self._downloads.submit(
                analysis_tasks.fetch_and_analyse, cand.fetch, self._cpu, *args
            )
            if cand.fingerprint:
                self._inflight[cand.fingerprint] = (cand.future, None)
        elif cand.data is not None:
            cand.future = self._executor.submit(analysis_tasks.analyse_bytes, cand.data, *args)
        else:  # a local file of a small import (big ones go to _start_chunks)
            cand.future = self._executor.submit(analysis_tasks.analyse_path, cand.path, *args)

    # -- stage 2: store bytes, write rows ------------------------------------------------

    def _finish(self, batch: list[Candidate]) -> None:
        for cand in batch:
            if cand.future is None:
                continue
            outcome = cand.future.result()
            if cand.chunk_index is not None:
                outcome, cand.chunk_index = outcome[cand.chunk_index], None
            shared = self._inflight.get(cand.fingerprint or "")
            if shared is not None and shared[0] is cand.future:
                del self._inflight[cand.fingerprint or ""]
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
                if cand.record.boxes:
                    _place_boxes(cand)
            self._write_entries(session, batch)
        errors = sum(1 for c in batch if c.record.issues and c.record.has_errors)
        self.summary.with_errors += errors
        if self.progress is not None:
            self.progress.advance(len(batch), errors)

    def _write_entries(self, session: Session, batch: list[Candidate]) -> None:
        existing = self._existing_entries(session, batch)
        now = utcnow()
        before = stats.contribution(session, list(existing.values()))
        if existing:
            old_ids = list(existing.values())
            session.execute(delete(EntryLabel).where(EntryLabel.entry_id.in_(old_ids)))
            session.execute(delete(Box).where(Box.entry_id.in_(old_ids)))
        d = self.dataset_id
        flags = [_flag_values(cand.record) for cand in batch]
        rows_old = []
        new: list[tuple[Candidate, tuple[bool, bool, bool, bool]]] = []
        for cand, row_flags in zip(batch, flags, strict=True):
            if cand.record.source_ref in existing:
                row = self._entry_row(cand)
                row["id"] = existing[cand.record.source_ref]
                row["updated_at"] = now
                rows_old.append(row)
            else:
                new.append((cand, row_flags))
        if rows_old:
            session.execute(update(Entry), rows_old)
            session.execute(
                update(Entry)
                .where(Entry.id.in_([r["id"] for r in rows_old]))
                .values(version=Entry.version + 1)
                .execution_options(synchronize_session=False)
            )
        if new:
            self._insert_entries(session, new, now, existing)
        try:
            label_rows, box_rows = self._label_and_box_rows(batch, existing)
        except KeyError:  # names the import has not used yet
            names = {n for c in batch for n in c.record.labels} | {
                b.label for c in batch for b in c.record.boxes
            }
            missing = names - set(self._label_ids)
            self._label_ids.update(ensure_labels(session, self.project_id, missing))
            # Every name the import uses enters _label_ids here once: these are its labels.
            self.summary.labels |= missing
            label_rows, box_rows = self._label_and_box_rows(batch, existing)
        # What the batch's entries add to the counters, counted from the rows written.
        after = stats.Contribution()
        after.datasets[(d, "entries")] = len(batch)
        after.datasets[(d, "labeled")] = sum(f[2] for f in flags)
        after.datasets[(d, "errors")] = sum(f[3] for f in flags)
        for label_id, count in Counter(r[1] for r in label_rows).items():
            after.labels[(d, label_id, "entries")] = count
        for label_id, count in Counter(r[2] for r in box_rows).items():
            after.labels[(d, label_id, "boxes")] = count
        insert_rows(session, EntryLabel.__table__, LABEL_COLUMNS, label_rows)
        insert_rows(session, Box.__table__, BOX_COLUMNS, box_rows)
        stats.apply_delta(session, before, after)
        self.summary.entries += len(batch)
        self.summary.created += len(new)
        self.summary.updated += len(rows_old)

    def _label_and_box_rows(
        self, batch: list[Candidate], entry_ids: dict[str, int]
    ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int, float, float, float, float]]]:
        """entry_labels and boxes rows of the batch; KeyError for a label without an id."""
        d, label_ids = self.dataset_id, self._label_ids
        label_rows: list[tuple[int, int, int]] = []
        box_rows: list[tuple[int, int, int, float, float, float, float]] = []
        for cand in batch:
            record = cand.record
            entry_id = entry_ids[record.source_ref]
            labels = record.labels
            if len(labels) == 1:
                label_rows.append((entry_id, label_ids[labels[0]], d))
            elif labels:
                label_rows.extend((entry_id, label_ids[n], d) for n in dict.fromkeys(labels))
            for box in record.boxes:
                box_rows.append(
                    (entry_id, d, label_ids[box.label], box.left, box.top, box.width, box.height)
                )
        return label_rows, box_rows

    def _existing_entries(self, session: Session, batch: list[Candidate]) -> dict[str, int]:
        """source_ref -> id of the batch's entries the dataset holds already."""
        d = self.dataset_id
        if self._fresh is None:
            self._fresh = (
                session.execute(select(Entry.id).where(Entry.dataset_id == d).limit(1)).first()
                is None
            )
        elif self._fresh:
            # Still only ours? The counter moves with every write of entries, in its
            # transaction; any other writer (an upload, a split) makes it differ.
            count = session.scalar(select(Dataset.entry_count).where(Dataset.id == d))
            self._fresh = count == self._created
        if self._fresh:
            refs = [c.record.source_ref for c in batch if c.repeated]
        else:
            refs = [c.record.source_ref for c in batch]
        if not refs:
            return {}
        rows = session.execute(_EXISTING, {"dataset_id": d, "refs": refs}).all()
        return {ref: entry_id for ref, entry_id in rows}

    def _insert_entries(
        self,
        session: Session,
        new: list[tuple[Candidate, tuple[bool, bool, bool, bool]]],
        now: Any,
        ids_by_ref: dict[str, int],
    ) -> None:
        """INSERT the new entries with ids taken up front, adding them to ``ids_by_ref``."""
        columns = Entry.__table__.c
        to_json = driver_values(session, columns.issues)
        stamp = driver_values(session, columns.created_at)(now)
        no_issues = to_json([])
        d = self.dataset_id
        rows = []
        for entry_id, (cand, f) in zip(_new_entry_ids(session, len(new)), new, strict=True):
            record = cand.record
            ids_by_ref[record.source_ref] = entry_id
            asset = cand.asset
            rows.append(
                (
                    entry_id,
                    d,
                    record.source_ref,
                    asset.id if asset is not None else None,
                    1,
                    f[0],
                    f[1],
                    f[2],
                    f[3],
                    to_json(_issue_dicts(record)) if record.issues else no_issues,
                    record.raw_line,
                    stamp,
                    stamp,
                )
            )
        insert_rows(session, Entry.__table__, ENTRY_COLUMNS, rows)
        self._created += len(rows)

    @staticmethod
    def _flags(cand: Candidate) -> dict[str, bool]:
        has_boxes, no_objects, is_labeled, has_errors = _flag_values(cand.record)
        return {
            "has_boxes": has_boxes,
            "no_objects": no_objects,
            "is_labeled": is_labeled,
            "has_errors": has_errors,
        }

    def _entry_row(self, cand: Candidate) -> dict[str, Any]:
        record = cand.record
        return {
            "asset_id": cand.asset.id if cand.asset else None,
            "issues": _issue_dicts(record),
            "raw_line": record.raw_line,
            **self._flags(cand),
        }


_EXISTING = select(Entry.source_ref, Entry.id).where(
    Entry.dataset_id == bindparam("dataset_id"),
    Entry.source_ref.in_(bindparam("refs", expanding=True)),
)


def _flag_values(record: ImportRecord) -> tuple[bool, bool, bool, bool]:
    """The entry flags of a record: has_boxes, no_objects, is_labeled, has_errors."""
    issues = record.issues
    if record.boxes or record.labels:
        return bool(record.boxes), False, True, bool(issues) and record.has_errors
    # A detection line with an empty annotations list is labelled: it shows no objects.
    no_objects = record.is_labeled is True or any(
        i.code == "WARNING_NO_ANNOTATIONS" for i in issues
    )
    return False, no_objects, no_objects, bool(issues) and record.has_errors


def _issue_dicts(record: ImportRecord) -> list[dict[str, str]]:
    return [{"code": i.code, "message": i.message, "severity": i.severity} for i in record.issues]


def _new_entry_ids(session: Session, count: int) -> list[int]:
    """Ids for ``count`` new entries, taken before inserting them (no RETURNING to match).

    SQLite: the next rowids, as SQLite would pick them (max + 1, no AUTOINCREMENT); the
    write transaction holds the database's only write lock, so nobody takes them meanwhile.
    PostgreSQL: drawn from the column's sequence, which no concurrent writer gets again.
    """
    if session.get_bind().dialect.name == "sqlite":
        top = session.scalar(select(func.max(Entry.id))) or 0
        return list(range(top + 1, top + 1 + count))
    return list(
        session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('entries', 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"count": count},
        )
    )


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
        if left == box.left and top == box.top and width == box.width and height == box.height:
            placed.append(box)  # already upright pixels (orientation 1): no copy
        else:
            placed.append(RecordBox(box.label, left, top, width, height))
    record.boxes = placed


def _raw_frame_box(cand: Candidate, box: RecordBox) -> tuple[float, float, float, float]:
    record, asset = cand.record, cand.asset
    assert asset is not None
    size = record.image_size
    raw = (asset.raw_width, asset.raw_height)
    if asset.orientation == 1 and (size is None or size == raw):
        return box.left, box.top, box.width, box.height  # the raw frame is upright
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


def _batches(
    items: Iterable[ImportRecord | Candidate], size: Callable[[], int]
) -> Iterator[list[Candidate]]:
    """Batches of candidates, each as long as ``size()`` says when it starts."""
    batch: list[Candidate] = []
    limit = size()
    for item in items:
        batch.append(item if isinstance(item, Candidate) else Candidate(item))
        if len(batch) >= limit:
            yield batch
            batch = []
            limit = size()
    if batch:
        yield batch
