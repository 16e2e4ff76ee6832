"""Garbage-collector settings for bulk loads (imports of many thousands of records)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_imports = 0
_gc_thresholds = gc.get_threshold()
# Allocations between young collections while an import runs (the default is 700).
IMPORT_GC_THRESHOLD = 100_000


@contextmanager
def bulk_gc() -> Iterator[None]:
    """Collect garbage the way a bulk load needs, while imports run.

    A batch of thousands of records lives until it is written. With the default settings
    each young collection finds it alive and moves it to an older generation, and the
    oldest one fills up so fast that a full collection (walking every object of the
    process: modules, SQLAlchemy's metadata, ~100,000) runs every few thousand lines: a
    quarter of a big import's time. So: ``gc.freeze()`` sets the objects that exist before
    the import aside (they are still freed by reference counting), and young collections
    wait for 100,000 allocations instead of 700. Both are undone when the last running
    import ends; garbage without cycles is freed at once as always.
    """
    global _gc_imports, _gc_thresholds
    with _gc_lock:
        if _gc_imports == 0:
            gc.freeze()
            _gc_thresholds = gc.get_threshold()
            gc.set_threshold(max(IMPORT_GC_THRESHOLD, _gc_thresholds[0]), *_gc_thresholds[1:])
        _gc_imports += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_imports -= 1
            if _gc_imports == 0:
                gc.set_threshold(*_gc_thresholds)
                gc.unfreeze()
