"""Benchmark: import a folder of real-photo JPEGs end to end, against the floor.

    .venv/bin/python bench/import_folder.py [--images 5000]

Makes N JPEGs of about 640x480 in 5 label folders from scikit-image's sample photos (random
crops, flips and small colour shifts, so every file hashes differently), cached under
bench/.out/. Then, in one run:

- the FLOOR: what any importer must do per image, done as cheaply as Pillow allows, on 2
  processes: read + SHA-256 + draft-mode JPEG decode + 256-px thumbnail + JPEG encode;
- the import through the public services (create project, dataset from folder with folder
  labels, run the job) on SQLite and the local blob store in a fresh data dir.

It prints images/s for both, the ratio (target >= 0.7), and peak memory. The floor runs
before and after the import; the ratio uses the faster one, so noise can only make the
import look worse, never better.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import time
from multiprocessing import Pool
from pathlib import Path

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


def measure_floor(paths: list[str]) -> float:
    """Images per second of the floor with WORKERS processes (pool start-up not counted)."""
    with Pool(WORKERS) as pool:
        pool.map(abs, range(WORKERS))  # start the workers before the clock does
        start = time.perf_counter()
        for _ in pool.imap_unordered(_floor_one, paths, chunksize=16):
            pass
        seconds = time.perf_counter() - start
    return len(paths) / seconds


# -- the import ---------------------------------------------------------------------------


def measure_import(photos: Path, count: int) -> tuple[float, dict[str, object]]:
    """Images per second of a folder import through the services, in a fresh data dir."""
    with temp_dir("cl-bench-import-") as data_dir, bench_context(data_dir) as ctx:
        projects.create_project(ctx, "bench")
        source = {"kind": "folder", "path": str(photos), "folder_labels": True}
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
            "labelled": info.stats.labeled_entries,
            "labels": info.stats.total_labels,
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

    floor_before = measure_floor(paths)
    print(f"floor (before import): {floor_before:,.0f} img/s", flush=True)
    rate, details = measure_import(photos, len(paths))
    print(f"import: {rate:,.0f} img/s", flush=True)
    floor_after = measure_floor(paths)
    print(f"floor (after import): {floor_after:,.0f} img/s\n", flush=True)
    floor = max(floor_before, floor_after)

    print_table(
        ["figure", "value"],
        [
            ("images", len(paths)),
            ("floor, 2 processes (img/s), before import", f"{floor_before:,.0f}"),
            ("floor, 2 processes (img/s), after import", f"{floor_after:,.0f}"),
            ("import end to end (img/s)", f"{rate:,.0f}"),
            ("ratio import / best floor (target >= 0.70)", f"{rate / floor:.2f}"),
            ("peak RSS of this process, the importer (MiB)", f"{peak_rss_mib():.0f}"),
            ("peak RSS of a floor worker process (MiB)", f"{peak_rss_mib(children=True):.0f}"),
            *details.items(),
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
