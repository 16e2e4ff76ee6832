"""glibc malloc settings for training, applied from inside the process.

Training allocates and frees tensors of tens of megabytes at every batch. With glibc's
defaults each of them is its own mmap, returned to the system when freed and faulted in
again at the next batch. Keeping them in the heap (a 32 MiB mmap threshold, glibc's
largest) and the heap's freed top (1 GiB trim threshold, 256 MiB top pad) made a default
training of 1,000 clothing photos 21% faster on this 2-core machine (52.5 s -> 41.5 s,
bench/train.py). glibc reads its MALLOC_*_ variables only at process start, so a process
that is already running (``serve``, ``worker``, the CLI) sets them through ``mallopt``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

# mallopt parameter numbers, from glibc's malloc.h
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3

SETTINGS = {
    M_MMAP_THRESHOLD: ("MALLOC_MMAP_THRESHOLD_", 32 << 20),
    M_TRIM_THRESHOLD: ("MALLOC_TRIM_THRESHOLD_", 1 << 30),
    M_TOP_PAD: ("MALLOC_TOP_PAD_", 256 << 20),
}

_applied: dict[str, int] | None = None


def tune_for_training() -> dict[str, int]:
    """Apply the settings once per process; returns those glibc accepted, by variable name.

    A variable the user set in the environment wins (glibc applied it at start-up); on a C
    library without ``mallopt`` (musl, macOS) nothing is changed.
    """
    global _applied
    if _applied is not None:
        return _applied
    accepted: dict[str, int] = {}
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is not None:
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt.restype = ctypes.c_int
        for parameter, (variable, value) in SETTINGS.items():
            if variable not in os.environ and mallopt(parameter, value) == 1:
                accepted[variable] = value
    _applied = accepted
    return accepted
