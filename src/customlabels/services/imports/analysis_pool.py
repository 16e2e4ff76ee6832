"""A process pool for analysing local image files during big imports.

Threads share one interpreter: with hashing, decoding and resizing releasing the GIL only in
parts, an import on threads used well under two cores. Processes do the whole analysis in
parallel. The pool is made on first use and kept for the life of the process (``serve``
runs many imports), from a fork server that has already loaded the imaging code, so a new
worker starts in milliseconds and inherits no threads or database connections. Each worker
ends with the process that made the pool (``parent_watch``), however that one ends.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from customlabels.services.parent_watch import exit_when_process_ends

_lock = threading.Lock()
_pools: dict[int, ProcessPoolExecutor] = {}


def process_pool(workers: int) -> ProcessPoolExecutor:
    """The shared pool of ``workers`` processes."""
    with _lock:
        pool = _pools.get(workers)
        if pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["customlabels.imaging"])
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=exit_when_process_ends,
                initargs=(os.getpid(),),
            )
            if not _pools:
                atexit.register(shutdown)
            _pools[workers] = pool
        return pool


def shutdown() -> None:
    with _lock:
        for pool in _pools.values():
            pool.shutdown(wait=False, cancel_futures=True)
        _pools.clear()
