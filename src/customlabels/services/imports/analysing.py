"""An import's second step: reading and analysing images on pools while rows are written.

Small imports, uploads and downloads analyse on threads (no process start, no copy of the
bytes); the local files and portable fetches of a big import go to the shared process pool
in chunks. Downloads wait on the network, so many are in flight on a pool of their own while
at most ``import_workers`` of them analyse at once. Candidates with one fingerprint (one S3
object named twice) share one download.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from customlabels.imaging import InvalidImage
from customlabels.services.context import Context
from customlabels.services.imports import analysis_tasks
from customlabels.services.imports.analysis_pool import process_pool
from customlabels.services.imports.analysis_tasks import (
    PROCESS_CHUNK,
    PortableFetch,
    analysis_args,
)
from customlabels.services.imports.candidates import Candidate, portable
from customlabels.storage.local import LocalBlobStore

# Local files in the first batch from which the analysis moves to processes (import_pool=auto).
PROCESS_POOL_MIN_FILES = 64


class Analyses:
    """Starts the analysis of candidates' images and hands their outcomes back."""

    def __init__(self, ctx: Context, *, in_place: bool = False) -> None:
        self.ctx = ctx
        # Local files stay where they are (an import in place): nothing is stored, and
        # thumbnails wait for their first view unless in_place_thumbnails says "import".
        self.in_place = in_place
        self._thumbnails = ctx.settings.in_place_thumbnails == "import"
        self._executor: Executor | None = None
        self._use_processes: bool | None = None
        self._downloads: Executor | None = None
        self._cpu = threading.Semaphore(max(1, ctx.settings.import_workers))
        # Downloads under way by fingerprint: the future, and the index in its chunk's list.
        self._inflight: dict[str, tuple[Future[Any], int | None]] = {}
        self.downloads_started = 0

    def start(self, todo: list[Candidate]) -> None:
        """Start analysing each candidate's image; each gets a ``future`` to collect."""
        if self._use_processes is None and todo:
            # Decided on the first batch with work: a process start only pays off for many files.
            mode = self.ctx.settings.import_pool
            many = sum(1 for c in todo if portable(c)) >= PROCESS_POOL_MIN_FILES
            self._use_processes = mode == "processes" or (mode == "auto" and many)
        if self._use_processes:
            todo = self._start_chunks(todo)
        for cand in todo:
            self._start_one(cand)

    def collect(self, batch: list[Candidate]) -> None:
        """Wait for the batch's analyses: each gets ``analysed``, or an issue saying why not."""
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

    def close(self) -> None:
        """Stop the import's own pools (the shared process pool lives on)."""
        if self._downloads is not None:
            self._downloads.shutdown(wait=True, cancel_futures=True)
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def _start_chunks(self, todo: list[Candidate]) -> list[Candidate]:
        """Send local files and portable fetches to the process pool in chunks; returns the
        other candidates."""
        settings = self.ctx.settings
        args = analysis_args(settings)
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
        # Reading headers only, a worker handles a file in a fraction of the time: bigger
        # chunks keep the messages' cost small beside the work.
        per_chunk = PROCESS_CHUNK * 4 if self.in_place and not self._thumbnails else PROCESS_CHUNK
        for start in range(0, len(files), per_chunk):
            chunk = files[start : start + per_chunk]
            paths = [c.path for c in chunk if c.path]
            if self.in_place:
                future = pool.submit(analysis_tasks.reference_chunk, paths, *args, self._thumbnails)
            else:
                future = pool.submit(analysis_tasks.analyse_chunk, paths, root, *args)
            for index, cand in enumerate(chunk):
                cand.future, cand.chunk_index = future, index
        for start in range(0, len(fetches), PROCESS_CHUNK):
            chunk = fetches[start : start + PROCESS_CHUNK]
            fetchers = [c.fetch for c in chunk if c.fetch is not None]
            future = pool.submit(analysis_tasks.fetch_chunk, fetchers, root, *args)
            self.downloads_started += len(chunk)
            for index, cand in enumerate(chunk):
                cand.future, cand.chunk_index = future, index
                if cand.fingerprint:
                    self._inflight[cand.fingerprint] = (future, index)
        for cand in sharing:
            cand.future, cand.chunk_index = self._inflight[cand.fingerprint or ""]
        started = {id(c) for c in todo if c.future is not None}
        return [c for c in todo if id(c) not in started]

    def _start_one(self, cand: Candidate) -> None:
        settings = self.ctx.settings
        args = analysis_args(settings)
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
            assert cand.path is not None, "a candidate has a path, bytes or a fetch"
            if self.in_place:
                cand.future = self._executor.submit(
                    analysis_tasks.reference_path, cand.path, *args, self._thumbnails
                )
            else:
                cand.future = self._executor.submit(analysis_tasks.analyse_path, cand.path, *args)
