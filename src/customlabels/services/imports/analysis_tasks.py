"""What an import runs off its own thread: analysing files, bytes and downloads.

Module-level functions, so a process pool can run them: a worker process analyses a chunk of
local files or downloads a chunk of objects, writes the bytes to a local store itself, and
sends back only the small analysis (sending every image's bytes back through a pipe cost the
importing process more kernel time than the analysis itself). An outcome is ``(Analysed,
bytes or None)`` (None: stored already), an ``InvalidImage``, or ``(code, message)``.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from customlabels.config import Settings
from customlabels.imaging import Analysed, InvalidImage, analyse_file, analyse_header, analyse_image
from customlabels.imaging.analyse import read_limited
from customlabels.services.imports.source_files import UnresolvableSource
from customlabels.storage.local import LocalBlobStore
from customlabels.storage.protocol import asset_key

# Files sent to a worker process in one task: one message each way per chunk instead of per
# file, which cost the importing process (pickling, pipe wake-ups) as much as a worker's
# analysis of a small photo.
PROCESS_CHUNK = 16


class PortableFetch(ABC):
    """A ``fetch`` a worker process can run too: picklable, and needing nothing of this
    process (a download from S3 with the credentials resolved here). Big imports of such
    sources download and analyse in the process pool, as big local imports do."""

    @abstractmethod
    def __call__(self) -> bytes:
        """The object's bytes; UnresolvableSource (with the entry's error) when it can't."""


def analysis_args(settings: Settings) -> tuple[int, int, int, int]:
    """The limits every analysis below takes after its input, in their order."""
    return (
        settings.thumbnail_size,
        settings.max_image_pixels,
        settings.max_image_bytes,
        settings.max_decode_bytes,
    )


def analyse_path(path: str, size: int, max_pixels: int, max_bytes: int, max_decode: int) -> Any:
    try:
        return analyse_file(path, size, max_pixels, max_bytes, max_decode)
    except InvalidImage as exc:
        return exc
    except OSError as exc:
        return ("ERROR_INVALID_IMAGE", f"cannot read {path!r}: {exc.strerror or exc}")


def reference_path(
    path: str,
    size: int,
    max_pixels: int,
    max_bytes: int,
    max_decode: int,
    thumbnails: bool = False,
) -> Any:
    """Analyse a file an import leaves in place: ``(Analysed, None)``, as nothing is to be
    stored; with ``thumbnails`` False a JPEG's header is all that is parsed (see
    :func:`~customlabels.imaging.analyse_header`)."""
    if thumbnails:
        outcome = analyse_path(path, size, max_pixels, max_bytes, max_decode)
        analysed = isinstance(outcome, tuple) and isinstance(outcome[0], Analysed)
        return (outcome[0], None) if analysed else outcome
    try:
        data = read_limited(path, max_bytes)
        return analyse_header(data, size, max_pixels, max_decode), None
    except InvalidImage as exc:
        return exc
    except OSError as exc:
        return ("ERROR_INVALID_IMAGE", f"cannot read {path!r}: {exc.strerror or exc}")


def reference_chunk(
    paths: list[str],
    size: int,
    max_pixels: int,
    max_bytes: int,
    max_decode: int,
    thumbnails: bool = False,
) -> list[Any]:
    """In a worker process: :func:`reference_path` for several files."""
    return [
        reference_path(path, size, max_pixels, max_bytes, max_decode, thumbnails) for path in paths
    ]


@cache
def _worker_store(root: str) -> LocalBlobStore:
    """A worker process's store per root, kept so its cache of made folders lives on."""
    return LocalBlobStore(Path(root))


def _analyse_and_store(
    path: str, store_root: str, size: int, max_pixels: int, max_bytes: int, max_decode: int
) -> Any:
    """In a worker process: analyse a file and write its bytes to the local store there."""
    outcome = analyse_path(path, size, max_pixels, max_bytes, max_decode)
    if isinstance(outcome, tuple) and len(outcome) == 2 and isinstance(outcome[1], bytes):
        analysed, data = outcome
        _worker_store(store_root).put(asset_key(analysed.sha256), data)
        return analysed, None
    return outcome


def analyse_chunk(
    paths: list[str],
    store_root: str | None,
    size: int,
    max_pixels: int,
    max_bytes: int,
    max_decode: int,
) -> list[Any]:
    """In a worker process: analyse several files (and store them when the store is local)."""
    if store_root is None:
        return [analyse_path(path, size, max_pixels, max_bytes, max_decode) for path in paths]
    return [
        _analyse_and_store(path, store_root, size, max_pixels, max_bytes, max_decode)
        for path in paths
    ]


def fetch_chunk(
    fetches: list[Callable[[], bytes]],
    store_root: str | None,
    size: int,
    max_pixels: int,
    max_bytes: int,
    max_decode: int,
) -> list[Any]:
    """In a worker process: download several objects (on a few threads, as downloads wait on
    the network), analyse each as it arrives, and store it when the store is local."""
    outcomes = []
    for outcome in _download_threads().map(_try_fetch, fetches):
        if isinstance(outcome, bytes):
            outcome = analyse_bytes(outcome, size, max_pixels, max_bytes, max_decode)
            if store_root is not None and isinstance(outcome, tuple):
                analysed, data = outcome
                if isinstance(data, bytes):
                    _worker_store(store_root).put(asset_key(analysed.sha256), data)
                    outcome = (analysed, None)
        outcomes.append(outcome)
    return outcomes


def _try_fetch(fetch: Callable[[], bytes]) -> bytes | tuple[str, str]:
    try:
        return fetch()
    except UnresolvableSource as exc:
        return (exc.code, str(exc))


@cache
def _download_threads() -> ThreadPoolExecutor:
    """A worker process's download threads, made on first use and kept."""
    return ThreadPoolExecutor(PROCESS_CHUNK, thread_name_prefix="fetch")


def fetch_and_analyse(fetch: Callable[[], bytes], cpu: threading.Semaphore, *args: int) -> Any:
    """Download on a pool thread, then analyse holding one of ``import_workers`` CPU slots."""
    data = _try_fetch(fetch)
    if not isinstance(data, bytes):
        return data
    with cpu:
        return analyse_bytes(data, *args)


def analyse_bytes(data: bytes, size: int, max_pixels: int, max_bytes: int, max_decode: int) -> Any:
    if len(data) > max_bytes:
        return (
            "ERROR_INVALID_IMAGE",
            f"image of {len(data)} bytes exceeds the limit of {max_bytes}",
        )
    try:
        return analyse_image(data, size, max_pixels, max_decode), data
    except InvalidImage as exc:
        return exc
