"""Benchmark: import a million-line Ground Truth manifest over already-stored images.

    .venv/bin/python bench/manifest.py [--lines 1000000] [--images 20] [--backend sqlite]

Prints lines/s of the import through the public services, against the parse-only rate
(formats.groundtruth.read_manifest over the same file) as the baseline. Target: >= 50,000
lines/s.

How "already stored" is made, and why this way: a manifest's source-refs are unique per
dataset, so a million lines need a million names. Under a temporary root, ``--images`` small
real photos are written once, and a million hard links point at them
(``bench-bucket/links/0001/0001234.jpg``): a million distinct files, but only ``--images``
inodes, so every link has the size/mtime/inode fingerprint of one of the originals. A small
manifest naming the originals is imported first (into the TEST dataset), so their bytes,
asset rows and thumbnails are stored. The big manifest (into TRAIN) then names only links:
the importer stats each file, and its fingerprint cache (services/imports/locating.py
``Locator.locate``) finds the asset without reading the bytes. Only the first batches, before
that cache is warm, read images again, and those find their assets already stored by content
hash (no new blob, no new asset row); the summary's ``images_read`` shows how many. This is
the path a real re-labelling takes: the images are known, only the lines are new.

Each line is a real classification attribute, and every second line also an object-detection
attribute with one box, as SageMaker Ground Truth writes them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import orjson
from _common import backend_context, peak_rss_mib, print_table, sample_photos, temp_dir
from PIL import Image

from customlabels.formats.groundtruth import read_manifest
from customlabels.services import datasets, projects, runner
from customlabels.services.imports.start import start_dataset_create

BUCKET = "bench-bucket"
LABELS = [f"label-{k:02d}" for k in range(20)]
TARGET_LINES_PER_S = 50_000
CREATED = "2024-01-01T00:00:00.000000"


def make_images(root: Path, count: int) -> list[tuple[str, int, int]]:
    """``count`` small real photos (crops of the sample photos); (relative path, w, h)."""
    folder = root / BUCKET / "originals"
    folder.mkdir(parents=True)
    photos = list(sample_photos().values())
    rng = np.random.default_rng(0)
    made = []
    for k in range(count):
        photo = photos[k % len(photos)]
        w, h = 160 + 16 * (k % 5), 120 + 8 * (k % 7)
        top = int(rng.integers(0, photo.shape[0] - h))
        left = int(rng.integers(0, photo.shape[1] - w))
        name = f"originals/img_{k:03d}.jpg"
        Image.fromarray(photo[top : top + h, left : left + w]).save(
            root / BUCKET / name, quality=90
        )
        made.append((name, w, h))
    return made


def make_links(root: Path, images: list[tuple[str, int, int]], lines: int) -> list[str]:
    """A hard link per line to one of the images, 1,000 to a folder; their keys."""
    keys = []
    for i in range(lines):
        key = f"links/{i // 1000:04d}/{i:07d}.jpg"
        if i % 1000 == 0:
            (root / BUCKET / key).parent.mkdir(parents=True)
        os.link(root / BUCKET / images[i % len(images)][0], root / BUCKET / key)
        keys.append(key)
    return keys


def manifest_line(i: int, key: str, width: int, height: int) -> bytes:
    """One Ground Truth line: a classification attribute, and on even lines a detection one."""
    line: dict[str, object] = {
        "source-ref": f"s3://{BUCKET}/{key}",
        "category": 1,
        "category-metadata": {
            "confidence": 1,
            "class-name": LABELS[i % len(LABELS)],
            "human-annotated": "yes",
            "creation-date": CREATED,
            "type": "groundtruth/image-classification",
            "job-name": "labeling-job/category",
        },
    }
    if i % 2 == 0:
        line["bounding-box"] = {
            "image_size": [{"width": width, "height": height, "depth": 3}],
            "annotations": [
                {"class_id": 0, "left": 10 + i % 20, "top": 8, "width": 60, "height": 50}
            ],
        }
        line["bounding-box-metadata"] = {
            "objects": [{"confidence": 1}],
            "class-map": {"0": LABELS[(i * 7) % len(LABELS)]},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": CREATED,
            "job-name": "labeling-job/bounding-box",
        }
    return orjson.dumps(line) + b"\n"


def parse_rate(path: Path) -> float:
    """Lines/s of parsing and validating the manifest, nothing else."""
    start = time.perf_counter()
    with path.open("rb") as handle:
        count = sum(1 for _ in read_manifest(handle))
    return count / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--images", type=int, default=20, help="distinct images (20)")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args(argv)

    with temp_dir("cl-bench-manifest-") as root:
        print(f"setting up {args.lines:,} hard links to {args.images} images in {root} ...")
        start = time.perf_counter()
        images = make_images(root, args.images)
        keys = make_links(root, images, args.lines)
        sizes = [(w, h) for _, w, h in images]
        small = root / "originals.manifest"
        small.write_bytes(b"".join(manifest_line(k, n, w, h) for k, (n, w, h) in enumerate(images)))
        big = root / "links.manifest"
        with big.open("wb") as handle:
            for i, key in enumerate(keys):
                w, h = sizes[i % len(sizes)]
                handle.write(manifest_line(i, key, w, h))
        print(
            f"  set up in {time.perf_counter() - start:.1f} s "
            f"(manifest {big.stat().st_size / (1 << 20):.0f} MiB)",
            flush=True,
        )

        parse_before = parse_rate(big)
        print(f"parse only: {parse_before:,.0f} lines/s", flush=True)

        with backend_context(args.backend, root / "data") as ctx:
            projects.create_project(ctx, "bench")
            source = {"kind": "manifest", "path": str(small), "root": str(root)}
            runner.run_job(ctx, start_dataset_create(ctx, "bench", "test", source))
            source = {"kind": "manifest", "path": str(big), "root": str(root)}
            start = time.perf_counter()
            job = runner.run_job(ctx, start_dataset_create(ctx, "bench", "train", source))
            seconds = time.perf_counter() - start
            info = datasets.describe_dataset(ctx, "bench", "train")
        rate = args.lines / seconds
        print(f"import: {rate:,.0f} lines/s", flush=True)
        parse_after = parse_rate(big)
        parse = max(parse_before, parse_after)

        print_table(
            ["figure", "value"],
            [
                ("lines", f"{args.lines:,}"),
                ("distinct images (hard-linked)", args.images),
                ("database", args.backend),
                (
                    "parse only (lines/s), before / after",
                    f"{parse_before:,.0f} / {parse_after:,.0f}",
                ),
                ("import end to end (lines/s)", f"{rate:,.0f}"),
                ("import seconds", f"{seconds:.1f}"),
                (
                    f"target {TARGET_LINES_PER_S:,} lines/s reached",
                    f"{rate / TARGET_LINES_PER_S:.2f}x",
                ),
                ("ratio import / parse only", f"{rate / parse:.2f}"),
                ("job status", job.status),
                (
                    "entries / labelled / errors",
                    f"{info.stats.total_entries:,} / "
                    f"{info.stats.labeled_entries:,} / {info.stats.error_entries:,}",
                ),
                ("peak RSS (MiB)", f"{peak_rss_mib():.0f}"),
            ],
        )
        result = {k: v for k, v in job.result.items() if k != "skipped_files"}
        print(f"job result: {result}")
        print("removing the temporary root ...", flush=True)


if __name__ == "__main__":
    sys.exit(main())
