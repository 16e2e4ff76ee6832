"""Small helpers the benchmarks share: timing, memory, databases, photos, tables.

The benchmarks print figures and never assert: a slow machine must not fail a build, and
the figures are read next to a baseline measured in the same run (the machine is noisy, so
only ratios within one run compare fairly).
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

from customlabels.config import Settings
from customlabels.services.context import Context, open_context

BENCH_DIR = Path(__file__).resolve().parent
# Git-ignored: caches between runs (generated photos) live here.
OUT_DIR = BENCH_DIR / ".out"
# The real photos: the setting the tests read, else shared/datasets beside the checkout.
DATASETS = Path(
    os.environ.get("CUSTOMLABELS_TEST_DATASETS") or BENCH_DIR.parents[1] / "shared" / "datasets"
)
POSTGRES_ADMIN_URL = os.environ.get(
    "CUSTOMLABELS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


# -- timing -------------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: with ~30 samples p95 is the second-worst run, not a blend."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def time_calls(fn: Callable[[], object], runs: int, warmup: int = 2) -> list[float]:
    """Seconds per call of ``fn``, after ``warmup`` untimed calls (caches, prepared plans)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


@contextmanager
def stopwatch(label: str) -> Iterator[dict[str, float]]:
    """Print how long the block took; the dict gets ``seconds`` for the caller."""
    result: dict[str, float] = {}
    start = time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - start
    print(f"  {label}: {result['seconds']:.2f} s", flush=True)


# -- memory -------------------------------------------------------------------------------


def peak_rss_mib(children: bool = False) -> float:
    """Peak resident memory of this process (or of its largest waited-for child), in MiB.

    ru_maxrss is in KiB on Linux; RUSAGE_CHILDREN reports the largest child, not a sum.
    """
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def current_rss_mib() -> float:
    """Resident memory now (from /proc), to tell what a phase added to the peak."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


# -- databases and contexts ---------------------------------------------------------------


@contextmanager
def postgres_database(prefix: str = "customlabels_bench") -> Iterator[str]:
    """A fresh PostgreSQL database (dropped at the end, even on errors); yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder on the same disk as the data, removed at the end."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def bench_context(data_dir: Path, database_url: str | None = None) -> Iterator[Context]:
    """A service context as ``customlabels serve`` would open it: local blob store, 2 workers.

    The settings are passed explicitly so a CUSTOMLABELS_* variable in the shell can't
    change what is measured.
    """
    settings = Settings(
        data_dir=data_dir, database_url=database_url, storage_url=None, import_workers=2
    )
    ctx = open_context(settings)
    try:
        yield ctx
    finally:
        ctx.close()


@contextmanager
def backend_context(backend: str, data_dir: Path) -> Iterator[Context]:
    """A context on a fresh SQLite file in ``data_dir`` or a fresh PostgreSQL database."""
    if backend == "sqlite":
        with bench_context(data_dir) as ctx:
            yield ctx
        return
    with postgres_database() as url, bench_context(data_dir, url) as ctx:
        yield ctx


# -- real photos --------------------------------------------------------------------------

# Photographs that scikit-image ships inside its wheel (no download): real JPEG-like
# content, so decode and encode costs are those of real photos, not of flat test patterns.
PHOTO_NAMES = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field")


def sample_photos() -> dict[str, np.ndarray]:
    """The sample photos as RGB uint8 arrays, by name."""
    from skimage import data

    return {name: np.ascontiguousarray(getattr(data, name)()[..., :3]) for name in PHOTO_NAMES}


# -- output -------------------------------------------------------------------------------


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain fixed-width table (first column left-aligned, the others right-aligned)."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(parts)

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    print(flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# -- training -----------------------------------------------------------------------------


def train_version(ctx: Context, project: str, config: dict[str, Any]) -> tuple[float, Any]:
    """Train a version as a user does (request, job, evaluation); its seconds and description."""
    from customlabels.services import runner
    from customlabels.services.models import versions

    start = time.perf_counter()
    info = versions.create_version(ctx, project, config=config)
    assert info.job_id is not None, info.status_message
    runner.run_job(ctx, info.job_id)
    seconds = time.perf_counter() - start
    done = versions.describe_version(ctx, project, info.name)
    assert done.status == "TRAINING_COMPLETED", done.status_message
    return seconds, done
