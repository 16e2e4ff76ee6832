"""Imports from S3: a bucket prefix (optionally with folder labels), and manifests on S3.

Source dicts (stored on the job, and on the dataset for ``dataset sync``):

- ``{"kind": "s3", "uri": "s3://bucket/prefix/", "folder_labels": bool, "folder_depth": n}``:
  every image below the prefix; with folder labels, the first folder below the prefix is
  the label however deep the image lies (the hosted service's option; ``label_level``
  picks a deeper folder), images directly under it are unlabelled, and only with a
  ``folder_depth`` are deeper images skipped. Keys not imported (not images, hidden,
  folder objects, too deep) are counted by reason in the job's result. The listing
  streams page by page (never the whole bucket in memory). A key whose entry already shows
  what the key holds (same ETag and size in ``source_assets``) is skipped without a
  download: one query per listing page decides it for the whole page. Keys below the
  prefix that the dataset holds and the listing no longer shows are reported (the first
  1,000 by name), and deleted only with ``delete_missing``.
- ``{"kind": "manifest", "path": "s3://bucket/key.manifest"}``: a Ground Truth manifest read
  from S3, its ``s3://`` source-refs fetched from S3 (HEAD first, concurrently, so images
  already stored are not downloaded again). Images in other buckets than the manifest's
  are accepted; the hosted service refuses them, so those entries get a WARNING saying so
  and the job's result lists them.

Every object is fetched on the import's download pool (``s3_max_concurrency`` in flight),
retried with backoff on throttling and dropped connections, and becomes an entry error
(ERROR_INVALID_IMAGE, with the S3 reason) when it still can't be read; the other entries
import. A job-level problem (no such bucket, listing denied, a manifest missing or not JSON
Lines) fails the job with a message that names it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import tempfile
import threading
from array import array
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import and_, select

from customlabels.db.tables import Dataset, Entry, Project, SourceAsset
from customlabels.errors import InvalidInput, InvalidS3Object, ServiceUnavailable
from customlabels.formats.groundtruth import read_manifest
from customlabels.formats.records import EntryIssue, ImportRecord
from customlabels.formats.skips import SkipLog, SkipReason, skip_of_name
from customlabels.services.context import Context
from customlabels.services.entries import delete_entries
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports.analysis_tasks import PortableFetch
from customlabels.services.imports.candidates import NO_IMAGE_CODES, Candidate, IngestSummary
from customlabels.services.imports.folder_options import check_folder_options, folder_rule
from customlabels.services.imports.ingest import Ingestor
from customlabels.services.imports.source_files import UnresolvableSource
from customlabels.services.jobs import Progress
from customlabels.storage.s3 import (
    ObjectTooLarge,
    ResolvedAccess,
    S3Object,
    S3Options,
    describe_error,
    download,
    error_code,
    folder_prefix,
    head,
    is_s3_uri,
    list_pages,
    make_client,
    parse_s3_uri,
    resolve_access,
    s3_uri,
    with_retries,
)

log = logging.getLogger(__name__)

LABELS_FILE = "labels.json"  # written by the folder export; maps folder names to labels
REPORT_LIMIT = 1000  # source-refs named in a job result; the counts are always complete
MANIFEST_ERROR = "ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT"
# Keys of one folder in a chunk of manifest lines from which a listing replaces their HEADs.
LIST_MIN_KEYS = 16
BAD_IMAGE = "ERROR_INVALID_IMAGE"


def is_s3_source(source: dict[str, Any]) -> bool:
    """Whether a source dict is read from S3 (a prefix, or a manifest at an s3:// path)."""
    kind = source.get("kind")
    return kind == "s3" or (kind == "manifest" and is_s3_uri(source.get("path")))


def check_s3_source(source: dict[str, Any]) -> dict[str, Any]:
    """Validate an S3 source before a job is queued (syntax only: S3 is asked by the job)."""
    if source.get("kind") == "manifest":
        bucket, key = parse_s3_uri(source["path"])
        if not key or key.endswith("/"):
            raise InvalidInput("name the manifest object itself: s3://bucket/path/x.manifest")
        return {"kind": "manifest", "path": s3_uri(bucket, key)}
    uri = source.get("uri") or source.get("path")
    if not uri:
        raise InvalidInput("an s3 source needs a uri: s3://bucket/prefix/")
    bucket, key = parse_s3_uri(str(uri))
    return {
        "kind": "s3",
        "uri": s3_uri(bucket, folder_prefix(key)),
        **check_folder_options(source),
        "delete_missing": bool(source.get("delete_missing")),
    }


def check_manifest_object(ctx: Context, uri: str) -> None:
    """Refuse at once a manifest object that can't be read (missing, denied), as the hosted
    CreateDataset does with InvalidS3ObjectException, instead of only failing the job.

    S3 answering with an error is the request's fault (InvalidS3Object); S3 not answering
    is ours (ServiceUnavailable). The job reads the object again: this is a HEAD only.
    """
    options = S3Options.from_settings(ctx.settings)
    bucket, key = parse_s3_uri(uri)
    try:
        head(make_client(options), bucket, key, options)
    except Exception as exc:
        if error_code(exc) is None:
            raise ServiceUnavailable(
                f"S3 at {options.where()} did not answer: {_why(exc)}"
            ) from exc
        raise InvalidS3Object(f"{MANIFEST_ERROR}: cannot read {uri}: {_why(exc)}") from exc


def run_s3_import(
    ctx: Context,
    dataset_id: int,
    project_id: int,
    source: dict[str, Any],
    progress: Progress | None,
) -> tuple[IngestSummary, SkipLog]:
    """Import an S3 source into a dataset; returns the summary and the keys skipped."""
    options = S3Options.from_settings(ctx.settings)
    client = make_client(options)
    if source["kind"] == "manifest":
        return _ManifestImport(ctx, client, options, source["path"]).run(
            dataset_id, project_id, progress
        )
    return _PrefixImport(ctx, client, options, source).run(dataset_id, project_id, progress)


class _Downloads:
    """Makes the ``fetch`` callables of candidates: :class:`S3Fetch` objects, which a worker
    process can run as well as a download thread (the ingestor counts the downloads)."""

    def __init__(self, client: Any, options: S3Options, max_bytes: int) -> None:
        self.options, self.max_bytes = options, max_bytes
        self.access = resolve_access(options)
        # This process's fetches use the job's client rather than making their own.
        _clients[(options, self.access)] = client

    def fetcher(self, bucket: str, key: str) -> S3Fetch:
        return S3Fetch(self.options, self.access, bucket, key, self.max_bytes)


# Clients by (options, access), per process: the job's own in the importing process, one
# made on first use in each worker process. boto3 clients are thread-safe.
_clients: dict[tuple[S3Options, ResolvedAccess | None], Any] = {}
_clients_lock = threading.Lock()


@dataclass(frozen=True)
class S3Fetch(PortableFetch):
    """Downloads one object; raises UnresolvableSource with the entry's error when it can't."""

    options: S3Options
    access: ResolvedAccess | None
    bucket: str
    key: str
    max_bytes: int

    def __call__(self) -> bytes:
        with _clients_lock:
            client = _clients.get((self.options, self.access))
            if client is None:
                client = _clients[(self.options, self.access)] = make_client(
                    self.options, self.access
                )
        uri = s3_uri(self.bucket, self.key)
        try:
            return download(client, self.bucket, self.key, self.options, self.max_bytes)
        except ObjectTooLarge as exc:
            raise UnresolvableSource(BAD_IMAGE, f"{uri}: {exc}") from None
        except Exception as exc:
            raise UnresolvableSource(
                BAD_IMAGE, f"cannot download {uri}: {describe_error(exc)}"
            ) from None


def _too_big(obj: S3Object, max_bytes: int) -> str:
    return f"object of {obj.size:,} bytes exceeds the limit of {max_bytes:,} bytes"


# -- a bucket prefix --------------------------------------------------------------------


class _KeySet:
    """The source-refs a listing showed, as 64-bit hashes: 8 bytes a key, not the keys.

    A wrong "present" (two URIs with one hash) would at worst leave one removed key
    unreported; at a million keys the odds of any such pair are about 3e-8.
    """

    def __init__(self) -> None:
        self._hashes = array("q")
        self._sorted: Any = None  # the hashes as a sorted numpy array, once asked

    @staticmethod
    def _hash(ref: str) -> int:
        digest = hashlib.blake2b(ref.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little", signed=True)

    def add(self, ref: str) -> None:
        self._hashes.append(self._hash(ref))

    def __len__(self) -> int:
        return len(self._hashes)

    def missing(self, refs: list[str]) -> list[bool]:
        import numpy as np  # here: only a listing's end needs it; every CLI start would pay

        if self._sorted is None:
            self._sorted = np.sort(np.frombuffer(self._hashes, dtype=np.int64))
        wanted = np.array([self._hash(r) for r in refs], dtype=np.int64)
        found = np.isin(wanted, self._sorted, assume_unique=False)
        return [not bool(f) for f in found]


class _PrefixImport:
    def __init__(
        self, ctx: Context, client: Any, options: S3Options, source: dict[str, Any]
    ) -> None:
        self.ctx, self.client, self.options = ctx, client, options
        self.bucket, prefix = parse_s3_uri(source["uri"])
        self.prefix = folder_prefix(prefix)
        self.base = s3_uri(self.bucket, self.prefix)
        self.source = source
        self.folder_labels = bool(source.get("folder_labels"))
        self.rule = folder_rule(source, {})
        self.delete_missing = bool(source.get("delete_missing"))
        self.downloads = _Downloads(client, options, ctx.settings.max_image_bytes)
        self.seen = _KeySet()
        self.skipped = SkipLog()
        self.unchanged = 0
        self.without_folder_label = 0

    def run(
        self, dataset_id: int, project_id: int, progress: Progress | None
    ) -> tuple[IngestSummary, SkipLog]:
        if self.folder_labels:
            self.rule = folder_rule(self.source, self._labels_file())
        if progress is not None:
            progress.set_total(None)  # unknown until the listing ends
        ingestor = Ingestor(self.ctx, dataset_id, project_id, progress)
        summary = ingestor.run(self._candidates(dataset_id, progress))
        if progress is not None:
            progress.set_total(progress.done)
        removed_ids, removed_refs = self._missing(dataset_id)
        deleted = self._delete(dataset_id, removed_ids) if self.delete_missing else 0
        summary.extra.update(
            listed=len(self.seen),
            unchanged=self.unchanged,
            downloaded=ingestor.downloads_started,
            removed=len(removed_ids),
            removed_source_refs=removed_refs,
            deleted=deleted,
        )
        if self.folder_labels:
            summary.extra["without_folder_label"] = self.without_folder_label
        return summary, self.skipped

    def _labels_file(self) -> dict[str, str | None]:
        """``labels.json`` at the prefix (a folder export's), mapping folders to labels."""
        key = self.prefix + LABELS_FILE
        try:
            data = orjson.loads(download(self.client, self.bucket, key, self.options, 1 << 24))
        except Exception as exc:
            if error_code(exc) in ("NoSuchKey", "404", "NoSuchBucket", "403", "AccessDenied"):
                return {}  # listing says what is wrong with the bucket, clearly
            if isinstance(exc, orjson.JSONDecodeError):
                raise InvalidInput(f"{s3_uri(self.bucket, key)}: invalid JSON: {exc}") from exc
            raise
        if not isinstance(data, dict) or not all(
            isinstance(v, str) or v is None for v in data.values()
        ):
            raise InvalidInput(
                f"{s3_uri(self.bucket, key)}: expected an object of folder name -> label or null"
            )
        return data

    def _pages(self) -> Iterator[list[S3Object]]:
        pages = list_pages(self.client, self.bucket, self.prefix, self.options)
        try:
            yield from _prefetched(pages)
        except Exception as exc:
            raise _listing_error(exc, self.base, self.options) from exc

    def _classify(self, obj: S3Object) -> ImportRecord | None:
        """The record of a listed key, or None when it is skipped (and counted)."""
        relative = obj.key[len(self.prefix) :]
        if not relative:
            return None  # the prefix's own folder object: not below it
        if relative.endswith("/"):
            detail = "folder object (a key ending in '/'), not an image"
            self.skipped.add(relative, SkipReason.FOLDER_OBJECT, detail)
            return None
        *folders, name = relative.split("/")
        if any(folder.startswith(".") for folder in folders):
            # Each key of a hidden folder counts: the listing shows them one by one anyway.
            self.skipped.add(
                relative, SkipReason.HIDDEN, "inside a hidden folder (starts with '.')"
            )
            return None
        if relative == LABELS_FILE:
            detail = "label map of a folder export, not an image"
            self.skipped.add(relative, SkipReason.LABELS_FILE, detail)
            return None
        skip = skip_of_name(name)
        if skip is not None:
            self.skipped.add(relative, *skip)
            return None
        labels: list[str] = []
        if self.folder_labels:
            found = self.rule.labels_or_skip(folders, relative, self.skipped)
            if found is None:
                return None
            labels = found
            self.without_folder_label += not labels
        return ImportRecord(source_ref=s3_uri(self.bucket, obj.key), labels=labels)

    def _candidates(self, dataset_id: int, progress: Progress | None) -> Iterator[Candidate]:
        max_bytes = self.ctx.settings.max_image_bytes
        for page in self._pages():
            wanted: list[tuple[S3Object, ImportRecord]] = []
            for obj in page:
                record = self._classify(obj)
                if record is None:
                    continue
                self.seen.add(record.source_ref)
                wanted.append((obj, record))
            same = unchanged_refs(
                self.ctx, dataset_id, {r.source_ref: o.fingerprint for o, r in wanted}
            )
            if same:
                self.unchanged += len(same)
                if progress is not None:
                    progress.advance(len(same))
            for obj, record in wanted:
                if record.source_ref in same:
                    continue
                cand = Candidate(record, fingerprint=obj.fingerprint, source_key=record.source_ref)
                if obj.size > max_bytes:
                    cand.add_issue(BAD_IMAGE, f"{record.source_ref}: {_too_big(obj, max_bytes)}")
                else:
                    cand.fetch = self.downloads.fetcher(self.bucket, obj.key)
                yield cand

    def _missing(self, dataset_id: int) -> tuple[list[int], list[str]]:
        """Entries below the prefix whose key the listing did not show (ids; first names)."""
        ids: list[int] = []
        refs: list[str] = []
        after = 0
        while True:
            with self.ctx.db.read() as session:
                rows = session.execute(
                    select(Entry.id, Entry.source_ref)
                    .where(
                        Entry.dataset_id == dataset_id,
                        Entry.id > after,
                        Entry.source_ref.startswith(self.base, autoescape=True),
                    )
                    .order_by(Entry.id)
                    .limit(5000)
                ).all()
            if not rows:
                return ids, refs
            after = rows[-1][0]
            gone = self.seen.missing([r for _, r in rows])
            for (entry_id, ref), is_gone in zip(rows, gone, strict=True):
                if is_gone:
                    ids.append(entry_id)
                    if len(refs) < REPORT_LIMIT:
                        refs.append(ref)

    def _delete(self, dataset_id: int, ids: list[int]) -> int:
        if not ids:
            return 0
        with self.ctx.db.read() as session:
            project, type_name = session.execute(
                select(Project.name, Dataset.dataset_type)
                .join(Dataset, Dataset.project_id == Project.id)
                .where(Dataset.id == dataset_id)
            ).one()
        deleted = 0
        for start in range(0, len(ids), 1000):
            part = tuple(ids[start : start + 1000])
            deleted += delete_entries(self.ctx, project, type_name, EntryFilter(entry_ids=part))
        return deleted


def _prefetched(pages: Iterator[list[S3Object]], depth: int = 2) -> Iterator[list[S3Object]]:
    """The pages, the next ones asked for on a thread while the caller works on this one.

    Listing is sequential (each page names the next), so its latency would otherwise add
    to the work done per page. At most ``depth`` pages wait in memory.
    """
    ready: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False  # the consumer went away

    def produce() -> None:
        try:
            for page in pages:
                if not offer(("page", page)):
                    return
            offer(("end", None))
        except BaseException as exc:  # handed to the consumer, raised there
            offer(("error", exc))

    thread = threading.Thread(target=produce, name="s3-listing", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


def unchanged_refs(ctx: Context, dataset_id: int, fingerprints: dict[str, str]) -> set[str]:
    """The source-refs whose entry already shows what the object holds (same ETag and size).

    One query for the whole page: the entry's asset must be the one ``source_assets``
    remembers for the key, with the fingerprint the listing shows now.
    """
    if not fingerprints:
        return set()
    with ctx.db.read() as session:
        rows = session.execute(
            select(Entry.source_ref, SourceAsset.fingerprint)
            .join(
                SourceAsset,
                and_(
                    SourceAsset.source_ref == Entry.source_ref,
                    SourceAsset.asset_id == Entry.asset_id,
                ),
            )
            .where(Entry.dataset_id == dataset_id, Entry.source_ref.in_(list(fingerprints)))
        ).all()
    return {ref for ref, fingerprint in rows if fingerprints.get(ref) == fingerprint}


def _listing_error(exc: BaseException, base: str, options: S3Options) -> Exception:
    code = error_code(exc)
    bucket = parse_s3_uri(base)[0]
    if code == "NoSuchBucket":
        return InvalidInput(
            f"cannot import {base}: bucket {bucket!r} does not exist (NoSuchBucket)"
        )
    if code in ("AccessDenied", "403"):
        return InvalidInput(
            f"cannot import {base}: these credentials may not list bucket {bucket!r} "
            "(AccessDenied; s3:ListBucket is needed)"
        )
    if code is not None:
        return InvalidInput(f"cannot list {base}: {describe_error(exc)}")
    return ServiceUnavailable(f"cannot list {base} at {options.where()}: {describe_error(exc)}")


# -- a manifest on S3 -------------------------------------------------------------------


class _ManifestImport:
    def __init__(self, ctx: Context, client: Any, options: S3Options, uri: str) -> None:
        self.ctx, self.client, self.options = ctx, client, options
        self.uri = uri
        self.bucket, self.key = parse_s3_uri(uri)
        self.downloads = _Downloads(client, options, ctx.settings.max_image_bytes)
        self.other_buckets: list[str] = []
        self.other_bucket_count = 0
        self._bucket_exists: dict[str, bool | None] = {}
        self._lock = threading.Lock()

    def run(
        self, dataset_id: int, project_id: int, progress: Progress | None
    ) -> tuple[IngestSummary, SkipLog]:
        with self._local_copy() as path:
            if progress is not None:
                progress.set_total(_count_lines(path))
            with path.open("rb") as handle:
                records = _json_lines(
                    read_manifest(handle, max_chars=self.ctx.settings.max_manifest_line_chars),
                    self.uri,
                )
                ingestor = Ingestor(self.ctx, dataset_id, project_id, progress)
                with ThreadPoolExecutor(self.options.max_concurrency) as pool:
                    summary = ingestor.run(self._candidates(records, pool))
        if progress is not None and progress.total != progress.done:
            progress.set_total(progress.done)
        summary.extra.update(
            downloaded=ingestor.downloads_started,
            hosted_would_reject=self.other_bucket_count,
            hosted_would_reject_source_refs=self.other_buckets,
        )
        return summary, SkipLog()

    @contextmanager
    def _local_copy(self) -> Iterator[Path]:
        """The manifest, downloaded to a temporary file (read twice: count, then import)."""
        folder = self.ctx.settings.data_dir / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, suffix=".manifest")
        os.close(fd)
        path = Path(name)

        def fetch() -> None:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key)["Body"]
            try:
                with path.open("wb") as out:
                    for chunk in body.iter_chunks(1 << 20):
                        out.write(chunk)
            finally:
                body.close()

        try:
            try:
                with_retries(fetch, self.options, f"reading {self.uri}")
            except Exception as exc:
                raise InvalidInput(
                    f"{MANIFEST_ERROR}: cannot read {self.uri}: {_why(exc)}"
                ) from exc
            yield path
        finally:
            path.unlink(missing_ok=True)

    def _candidates(
        self, records: Iterable[ImportRecord], pool: ThreadPoolExecutor
    ) -> Iterator[ImportRecord | Candidate]:
        it = iter(records)
        while chunk := list(islice(it, 256)):
            refs = {
                r.source_ref
                for r in chunk
                if is_s3_uri(r.source_ref) and not any(i.code in NO_IMAGE_CODES for i in r.issues)
            }
            heads: dict[str, S3Object | tuple[str, str]] = {}
            for (bucket, _), keys in _by_folder(refs).items():
                if len(keys) >= LIST_MIN_KEYS:
                    heads.update(self._listed(bucket, keys))
            rest = [ref for ref in refs if ref not in heads]
            heads.update(zip(rest, pool.map(self._head, rest), strict=True))
            for record in chunk:
                yield self._candidate(record, heads)

    def _listed(self, bucket: str, keys: list[str]) -> dict[str, S3Object]:
        """The objects of ``keys`` (of one folder) that a listing of the range they span
        shows: one request for up to a page of keys, where HEADs take one each (a manifest
        written in key order, as labelling jobs write them, fills a page per chunk).

        Stops at the first page in which fewer than one key in ten is wanted (the lines of an
        unordered manifest are spread over the whole folder: HEADs cost less), and on any
        error (listing may be denied where reading is not): the keys it did not find are
        looked up one by one, which also says why one is missing.
        """
        wanted, last = set(keys), max(keys)
        first = min(keys)
        found: dict[str, S3Object] = {}
        pages = list_pages(
            self.client,
            bucket,
            os.path.commonprefix(keys),
            self.options,
            start_after=first[:-1],  # just before the first key: StartAfter excludes itself
        )
        try:
            for page in pages:
                hits = 0
                for obj in page:
                    if obj.key in wanted:
                        found[s3_uri(bucket, obj.key)] = obj
                        hits += 1
                if not page or page[-1].key >= last or hits * 10 < len(page):
                    break
        except Exception as exc:  # noqa: BLE001 - the HEADs that follow report what matters
            log.info("listing s3://%s for a manifest failed (%s); HEAD each key", bucket, exc)
        return found

    def _candidate(
        self, record: ImportRecord, heads: dict[str, S3Object | tuple[str, str]]
    ) -> ImportRecord | Candidate:
        ref = record.source_ref
        if ref not in heads:
            return record  # an invalid line, or a reference that is not s3:// (no root)
        bucket, key = parse_s3_uri(ref)
        if bucket != self.bucket:
            self.other_bucket_count += 1
            if len(self.other_buckets) < REPORT_LIMIT:
                self.other_buckets.append(ref)
            record.issues.append(
                _warning(
                    "ERROR_INVALID_SOURCE_REF_FORMAT",
                    f"the hosted service would reject this line: its image is in bucket "
                    f"{bucket!r}, not in the manifest's bucket {self.bucket!r} (imported here)",
                )
            )
        outcome = heads[ref]
        cand = Candidate(record, source_key=ref)
        if isinstance(outcome, tuple):
            # Decided by the ingestor: an entry we hold keeps its image (an update that
            # only relabels needs no access to it); an unknown one gets this error.
            cand.unresolved = outcome
            return cand
        cand.fingerprint = outcome.fingerprint
        max_bytes = self.ctx.settings.max_image_bytes
        if outcome.size > max_bytes:
            cand.add_issue(BAD_IMAGE, f"{ref}: {_too_big(outcome, max_bytes)}")
        else:
            cand.fetch = self.downloads.fetcher(bucket, key)
        return cand

    def _head(self, ref: str) -> S3Object | tuple[str, str]:
        bucket, key = parse_s3_uri(ref)
        try:
            return head(self.client, bucket, key, self.options)
        except Exception as exc:
            code = error_code(exc)
            if code in ("404", "NoSuchKey"):
                if self._exists(bucket) is False:
                    return BAD_IMAGE, f"{ref}: bucket {bucket!r} does not exist (NoSuchBucket)"
                return BAD_IMAGE, f"{ref}: no such key (NoSuchKey)"
            if code in ("403", "AccessDenied"):
                return BAD_IMAGE, f"{ref}: access denied (AccessDenied)"
            return BAD_IMAGE, f"cannot read {ref}: {describe_error(exc)}"

    def _exists(self, bucket: str) -> bool | None:
        with self._lock:
            if bucket in self._bucket_exists:
                return self._bucket_exists[bucket]
        try:
            with_retries(
                lambda: self.client.head_bucket(Bucket=bucket), self.options, f"s3://{bucket}"
            )
            exists: bool | None = True
        except Exception as exc:
            exists = False if error_code(exc) in ("404", "NoSuchBucket") else None
        with self._lock:
            self._bucket_exists[bucket] = exists
        return exists


def _by_folder(refs: Iterable[str]) -> dict[tuple[str, str], list[str]]:
    """The keys of s3:// refs grouped by (bucket, folder)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for ref in refs:
        bucket, key = parse_s3_uri(ref)
        groups.setdefault((bucket, key.rpartition("/")[0]), []).append(key)
    return groups


def _warning(code: str, message: str) -> EntryIssue:
    return EntryIssue(code, message, "WARNING")


def _why(exc: BaseException) -> str:
    code = error_code(exc)
    if code in ("NoSuchKey", "404"):
        return "no such key (NoSuchKey)"
    if code == "NoSuchBucket":
        return "no such bucket (NoSuchBucket)"
    if code in ("AccessDenied", "403"):
        return "access denied (AccessDenied)"
    return describe_error(exc)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _json_lines(
    records: Iterator[ImportRecord], uri: str, peek: int = 10
) -> Iterator[ImportRecord]:
    """``records``, after checking the file is a JSON Lines manifest at all.

    A file none of whose first ``peek`` lines names an image (each is not JSON, or has no
    usable source-ref: a JSON array, a CSV, an image) is not a manifest with a few bad
    lines: the job fails, naming it, instead of making thousands of error entries.
    """
    head = list(islice(records, peek))
    if head and all(any(i.code in NO_IMAGE_CODES for i in r.issues) for r in head):
        first = head[0].issues[0] if head[0].issues else None
        detail = f" (line 1: {first.code}: {first.message})" if first else ""
        raise InvalidInput(
            f"{MANIFEST_ERROR}: {uri} is not a JSON Lines manifest: none of its first "
            f"{len(head)} lines is a JSON object with a source-ref{detail}"
        )
    return chain(head, records)
