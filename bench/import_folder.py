"""Benchmark: import a folder of photos end to end, copying and in place, against the floors.

    .venv/bin/python bench/import_folder.py [--images 5000]

Makes N JPEGs of about 640x480 in 5 label folders from scikit-image's sample photos (random
crops, flips and small colour shifts, so every file hashes differently), cached under
bench/.out/. Then, in one run:

- the READ FLOOR: read + SHA-256 of every file on 2 processes, the least an import in place
  must do (it is what "the file is read once for the hash" costs);
- the THUMBNAIL FLOOR: what a copying importer must do per image, done as cheaply as Pillow
  allows, on 2 processes: read + SHA-256 + draft-mode JPEG decode + 256-px thumbnail + JPEG
  encode;
- imports through the public services (create project, dataset from folder with folder
  labels, run the job) on SQLite and the local blob store, each in a fresh data dir: in place
  with thumbnails deferred to their first view (the default), in place with thumbnails made
  during the import, and copying into the store.

It prints images/s of each, the ratios (copying import / thumbnail floor, target >= 0.7; in
place / read floor), and peak memory. The floors run before and after the imports; the ratios
use the faster run, so noise can only make an import look worse, never better. The importer's
pool of worker processes is started before the imports, as a serving process has it. FiftyOne
indexes 2,357-2,395 img/s on this machine (headers only, no copy, no thumbnails): the target
of the import in place.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import time
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    OUT_DIR,
    PHOTO_NAMES,
    bench_context,
    current_rss_mib,
    peak_rss_mib,
    print_table,
    sample_photos,
    temp_dir,
)
from PIL import Image

from customlabels.services import datasets, projects, runner
from customlabels.services.imports.analysis_pool import process_pool
from customlabels.services.imports.start import start_dataset_create

THUMBNAIL_SIZE = 256
THUMBNAIL_QUALITY = 80  # the same quality the importer uses, so the encode costs the same
WORKERS = 2  # the machine's cores; the importer is configured with as many threads


# -- the photos ---------------------------------------------------------------------------

_photos: dict[str, np.ndarray] = {}


def _init_maker() -> None:
    global _photos
    _photos = sample_photos()


def _make_one(job: tuple[str, str, int]) -> None:
    """Write one ~640x480 JPEG: a random crop of a photo scaled to cover, maybe mirrored,
    with each channel scaled by a few percent (so no two files share a hash)."""
    path, name, seed = job
    rng = np.random.default_rng(seed)
    photo = _photos[name]
    width, height = int(rng.integers(608, 673)), int(rng.integers(456, 505))
    # Scale so the crop window fits with some room to move; small photos get upscaled.
    scale = max(width / photo.shape[1], height / photo.shape[0]) * rng.uniform(1.05, 1.4)
    size = (round(photo.shape[1] * scale), round(photo.shape[0] * scale))
    im = Image.fromarray(photo).resize(size, Image.Resampling.BILINEAR)
    left = int(rng.integers(0, size[0] - width + 1))
    top = int(rng.integers(0, size[1] - height + 1))
    pixels = np.asarray(im.crop((left, top, left + width, top + height)), dtype=np.float32)
    if rng.random() < 0.5:
        pixels = pixels[:, ::-1]
    pixels = np.clip(pixels * rng.uniform(0.92, 1.08, size=3), 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, "JPEG", quality=90)


def ensure_photos(count: int) -> Path:
    """The folder of ``count`` photos in 5 label folders, made once and cached."""
    root = OUT_DIR / f"photos-{count}"
    done = root / ".complete"  # hidden: the folder scan skips dot files
    if done.exists():
        return root
    print(f"making {count} photos under {root} (cached for later runs) ...", flush=True)
    start = time.perf_counter()
    jobs = []
    for i in range(count):
        name = PHOTO_NAMES[i % len(PHOTO_NAMES)]
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        jobs.append((str(folder / f"{name}_{i:05d}.jpg"), name, i))
    # In child processes, so the photo arrays do not count towards this process's peak RSS.
    with Pool(WORKERS, initializer=_init_maker) as pool:
        for _ in pool.imap_unordered(_make_one, jobs, chunksize=32):
            pass
    done.touch()
    print(f"  made in {time.perf_counter() - start:.1f} s", flush=True)
    return root


# -- the floor ----------------------------------------------------------------------------


def _floor_one(path: str) -> int:
    """The least work an import must do for one JPEG (no database, no copy of the bytes)."""
    data = Path(path).read_bytes()
    hashlib.sha256(data).digest()
    with Image.open(io.BytesIO(data)) as im:
        w, h = im.size
        scale = THUMBNAIL_SIZE / max(w, h)
        box = (max(1, round(w * scale)), max(1, round(h * scale)))
        # The real target box: a square request would make Pillow fall back to a full decode.
        im.draft("RGB", box)
        thumb = im.convert("RGB").resize(box, Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=THUMBNAIL_QUALITY)
    return len(out.getvalue())


def _read_one(path: str) -> int:
    """Read and hash one file: all an import in place must do with the bytes."""
    with open(path, "rb") as handle:
        return len(hashlib.sha256(handle.read()).digest())


def measure_floor(paths: list[str], one: Any = _floor_one) -> float:
    """Images per second of ``one`` on WORKERS processes (pool start-up not counted)."""
    with Pool(WORKERS) as pool:
        pool.map(abs, range(WORKERS))  # start the workers before the clock does
        start = time.perf_counter()
        for _ in pool.imap_unordered(one, paths, chunksize=16):
            pass
        seconds = time.perf_counter() - start
    return len(paths) / seconds


# -- the import ---------------------------------------------------------------------------


def measure_import(
    photos: Path, count: int, *, in_place: bool = False, thumbnails: str = "deferred"
) -> tuple[float, dict[str, object]]:
    """Images per second of a folder import through the services, in a fresh data dir."""
    with temp_dir("cl-bench-import-") as data_dir, bench_context(data_dir) as ctx:
        ctx.settings.in_place_thumbnails = thumbnails  # type: ignore[assignment]
        projects.create_project(ctx, "bench")
        source = {
            "kind": "folder",
            "path": str(photos),
            "folder_labels": True,
            "in_place": in_place,
        }
        rss_before = current_rss_mib()
        start = time.perf_counter()
        job_id = start_dataset_create(ctx, "bench", "train", source)
        job = runner.run_job(ctx, job_id)
        seconds = time.perf_counter() - start
        info = datasets.describe_dataset(ctx, "bench", "train")
        blob_bytes = sum(p.stat().st_size for p in (data_dir / "blobs").rglob("*") if p.is_file())
        db_bytes = sum(p.stat().st_size for p in data_dir.glob("customlabels.db*"))
        details: dict[str, object] = {
            "job status": job.status,
            "entries": info.stats.total_entries,
            "errors": info.stats.error_entries,
            "seconds": round(seconds, 2),
            "RSS before import (MiB)": round(rss_before, 1),
            "blob store (MiB)": round(blob_bytes / (1 << 20), 1),
            "database files (MiB)": round(db_bytes / (1 << 20), 1),
        }
        if info.stats.total_entries != count:
            details["WARNING"] = f"expected {count} entries"
    return count / seconds, details


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5000, help="photos to import (5000)")
    args = parser.parse_args(argv)

    photos = ensure_photos(args.images)
    paths = sorted(str(p) for p in photos.rglob("*.jpg"))
    print(f"{len(paths)} photos of ~640x480 in {photos}", flush=True)
    # One untimed pass brings the files into the page cache for both measurements alike.
    for path in paths:
        Path(path).read_bytes()

    # A serving process keeps its pool of import workers: start it before any import is
    # timed, so that none of them pays for it (their order would otherwise matter).
    list(process_pool(WORKERS).map(time.sleep, [0.2] * WORKERS))
    read_floors = [measure_floor(paths, _read_one)]
    floors = [measure_floor(paths)]
    print(f"read floor: {read_floors[0]:,.0f} img/s; thumbnail floor: {floors[0]:,.0f} img/s")
    runs = {
        "in place, thumbnails deferred": measure_import(photos, len(paths), in_place=True),
        "in place, thumbnails at import": measure_import(
            photos, len(paths), in_place=True, thumbnails="import"
        ),
        "copying": measure_import(photos, len(paths)),
    }
    for name, (rate, _) in runs.items():
        print(f"import {name}: {rate:,.0f} img/s", flush=True)
    read_floors.append(measure_floor(paths, _read_one))
    floors.append(measure_floor(paths))
    read_floor, floor = max(read_floors), max(floors)

    rows: list[tuple[str, object]] = [
        ("images", len(paths)),
        ("read floor: read + SHA-256, 2 processes (img/s), best", f"{read_floor:,.0f}"),
        ("thumbnail floor, 2 processes (img/s), best", f"{floor:,.0f}"),
    ]
    for name, (rate, _) in runs.items():
        rows.append((f"import {name} (img/s)", f"{rate:,.0f}"))
    in_place = runs["in place, thumbnails deferred"][0]
    copying = runs["copying"][0]
    rows += [
        ("in place (deferred) / read floor", f"{in_place / read_floor:.2f}"),
        ("in place (deferred) / FiftyOne's 2,357 img/s (target >= 1)", f"{in_place / 2357:.2f}"),
        ("in place (deferred) / copying", f"{in_place / copying:.2f}"),
        ("copying / thumbnail floor (target >= 0.70)", f"{copying / floor:.2f}"),
        ("peak RSS of this process, the importer (MiB)", f"{peak_rss_mib():.0f}"),
        ("peak RSS of a floor worker process (MiB)", f"{peak_rss_mib(children=True):.0f}"),
    ]
    for name, (_, details) in runs.items():
        rows += [(f"{name}: {key}", value) for key, value in details.items()]
    print_table(["figure", "value"], rows)


if __name__ == "__main__":
    sys.exit(main())
