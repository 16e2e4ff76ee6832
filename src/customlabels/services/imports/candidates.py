"""What flows through an import: candidates (a record and what is learnt of its image),
the dimensions of a known asset, and the summary the import ends with."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from customlabels.formats.records import EntryIssue, ImportRecord
from customlabels.imaging import Analysed
from customlabels.services.imports.analysis_tasks import PortableFetch
from customlabels.services.imports.source_files import LocalFile, UnresolvableSource

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
    # (services.imports.readahead); None: the importer finds it.
    local: LocalFile | UnresolvableSource | None = None
    # Where this candidate's outcome sits in the list its ``future`` gives, when it was
    # analysed in a chunk of files (process pool); None: the future gives the outcome itself.
    chunk_index: int | None = None
    # Its bytes were refused before the import (an upload over max_image_bytes, dropped as
    # it arrived): its record carries the error, and there is nothing to find or read.
    no_image: bool = False

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


def portable(cand: Candidate) -> bool:
    """Whether a worker process can read this candidate's image (a local file, or a fetch
    that needs nothing of this process)."""
    if cand.fetch is not None:
        return isinstance(cand.fetch, PortableFetch)
    return bool(cand.path) and cand.data is None


def source_key(cand: Candidate) -> str | None:
    """The source_assets key of a candidate: its s3:// URI, or its local file's URI."""
    if cand.source_key:
        return cand.source_key
    # ``cand.path`` is a real path (the readers and SourceFiles resolve it), so this is
    # local_source_ref(cand.path) without walking the path again for every lookup.
    return "file://" + Path(cand.path).as_posix() if cand.path else None


def batches(
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
