"""Benchmark: import real-photo JPEGs from a loopback S3 bucket, against a local folder import.

    .venv/bin/python bench/import_s3.py [--images 5000]

The photos are bench/import_folder.py's (N JPEGs of about 640x480 in 5 label folders, made
once and cached under bench/.out/). A moto S3 server runs in a child process on 127.0.0.1
(a free port); the photos are uploaded to a bucket as ``photos/<label>/<name>.jpg``. Then,
in one run, on SQLite and the local blob store in fresh data dirs:

- the local folder import of the photos (folder labels), images/s;
- the S3 import of the same photos (``s3://bucket/photos/``, folder labels), images/s, and
  its ratio to the local import (target >= 0.8);
- the re-sync of the unchanged bucket, keys/s (target >= 20,000) and downloads (must be 0);
- a relabelling: an update from a manifest on S3 naming every photo in key order, lines/s
  and downloads (must be 0), against plain HEADs (a HEAD per line could not beat them);
- the server's own floors, which bound any client: listing every key with plain boto3
  (keys/s), downloading every object, and HEAD of every object, with plain boto3 on 16
  threads (objects/s). moto
  is a Python server sharing this machine's cores with the importer, so where a figure
  misses its target, compare it with these floors to see whose time it is.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
from _common import bench_context, peak_rss_mib, print_table, temp_dir
from import_folder import ensure_photos

from customlabels.services import datasets, projects, runner
from customlabels.services.context import Context
from customlabels.services.imports import s3_sync
from customlabels.services.imports.start import start_dataset_create, start_dataset_update
from customlabels.services.jobs import JobInfo
from customlabels.storage.s3 import S3Options, list_pages, make_client

BUCKET = "bench-photos"
THREADS = 16


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto(port: int) -> subprocess.Popen[bytes]:
    """moto's server in a child process (its own interpreter, so its own GIL)."""
    code = (
        "import logging, time\n"
        "logging.getLogger('werkzeug').setLevel(logging.ERROR)\n"
        "from moto.server import ThreadedMotoServer\n"
        f"s = ThreadedMotoServer(ip_address='127.0.0.1', port={port}, verbose=False)\n"
        "s.start()\n"
        "time.sleep(10**6)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    _wait_for(port, process)
    return process


def upload(client: object, photos: Path) -> int:
    paths = sorted(photos.rglob("*.jpg"))

    def put(path: Path) -> None:
        key = "photos/" + path.relative_to(photos).as_posix()
        client.put_object(Bucket=BUCKET, Key=key, Body=path.read_bytes())  # type: ignore[attr-defined]

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, paths))
    return len(paths)


def floors(options: S3Options) -> tuple[float, float, float]:
    """(keys/s of a plain listing, objects/s of plain concurrent downloads, and of HEADs)."""
    client = make_client(options)
    start = time.perf_counter()
    keys = [o.key for page in list_pages(client, BUCKET, "photos/", options) for o in page]
    list_rate = len(keys) / (time.perf_counter() - start)

    def get(key: str) -> int:
        body = client.get_object(Bucket=BUCKET, Key=key)["Body"]  # type: ignore[attr-defined]
        return len(body.read())

    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(get, keys))
    get_rate = len(keys) / (time.perf_counter() - start)

    def head(key: str) -> int:
        return int(client.head_object(Bucket=BUCKET, Key=key)["ContentLength"])  # type: ignore[attr-defined]

    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(head, keys))
    return list_rate, get_rate, len(keys) / (time.perf_counter() - start)


def measure_local(photos: Path, count: int) -> float:
    with temp_dir("cl-bench-local-") as data_dir, bench_context(data_dir) as ctx:
        projects.create_project(ctx, "bench")
        source = {"kind": "folder", "path": str(photos), "folder_labels": True}
        start = time.perf_counter()
        job = runner.run_job(ctx, start_dataset_create(ctx, "bench", "train", source))
        seconds = time.perf_counter() - start
        assert job.status == "SUCCEEDED", job.message
        assert datasets.describe_dataset(ctx, "bench", "train").stats.total_entries == count
    return count / seconds


def measure_s3(count: int) -> dict[str, object]:
    with temp_dir("cl-bench-s3-") as data_dir, bench_context(data_dir) as ctx:
        projects.create_project(ctx, "bench")
        source = {"kind": "s3", "uri": f"s3://{BUCKET}/photos/", "folder_labels": True}
        start = time.perf_counter()
        job = runner.run_job(ctx, start_dataset_create(ctx, "bench", "train", source))
        seconds = time.perf_counter() - start
        assert job.status == "SUCCEEDED", job.message
        info = datasets.describe_dataset(ctx, "bench", "train")
        start = time.perf_counter()
        again = runner.run_job(ctx, s3_sync.start_dataset_sync(ctx, "bench", "train"))
        resync_seconds = time.perf_counter() - start
        assert again.status == "SUCCEEDED", again.message
        manifest_seconds, relabelled = _relabel_from_manifest(ctx)
    return {
        "import_rate": count / seconds,
        "import_seconds": seconds,
        "entries": info.stats.total_entries,
        "labels": info.stats.total_labels,
        "errors": info.stats.error_entries,
        "downloaded": job.result["downloaded"],
        "resync_rate": again.result["listed"] / resync_seconds,
        "resync_seconds": resync_seconds,
        "resync_downloaded": again.result["downloaded"],
        "resync_unchanged": again.result["unchanged"],
        "manifest_rate": relabelled.result["entries"] / manifest_seconds,
        "manifest_downloaded": relabelled.result["downloaded"],
    }


def _relabel_from_manifest(ctx: Context) -> tuple[float, JobInfo]:
    """Update the dataset from a manifest on S3 naming every stored photo in key order (as
    a labelling job writes one) with a new label: (seconds, job). Nothing is downloaded; what
    is measured is finding out that each image is the one stored."""
    options = S3Options.from_settings(ctx.settings)
    client = make_client(options)
    keys = [o.key for page in list_pages(client, BUCKET, "photos/", options) for o in page]
    lines = [
        orjson.dumps(
            {
                "source-ref": f"s3://{BUCKET}/{key}",
                "class": 0,
                "class-metadata": {
                    "class-name": "relabelled",
                    "type": "groundtruth/image-classification",
                    "confidence": 1,
                },
            }
        )
        for key in keys
    ]
    client.put_object(Bucket=BUCKET, Key="relabel.manifest", Body=b"\n".join(lines) + b"\n")
    source = {"kind": "manifest", "path": f"s3://{BUCKET}/relabel.manifest"}
    start = time.perf_counter()
    job = runner.run_job(ctx, start_dataset_update(ctx, "bench", "train", source))
    seconds = time.perf_counter() - start
    assert job.status == "SUCCEEDED", job.message
    return seconds, job


def start_server(kind: str, port: int) -> subprocess.Popen[bytes]:
    if kind == "moto":
        return start_moto(port)
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("_s3_loopback.py")), "--port", str(port)]
    )
    _wait_for(port, process)
    return process


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the S3 server did not start")


def run_server(kind: str, photos: Path, count: int) -> dict[str, object]:
    """Start a server, fill its bucket, measure the S3 import, re-sync and the floors."""
    port = _free_port()
    server = start_server(kind, port)
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
    )
    try:
        options = S3Options(endpoint_url=f"http://127.0.0.1:{port}", max_concurrency=THREADS)
        client = make_client(options)
        client.create_bucket(Bucket=BUCKET)
        start = time.perf_counter()
        upload(client, photos)
        print(f"[{kind}] uploaded {count} photos in {time.perf_counter() - start:.1f} s")
        figures = measure_s3(count)
        print(f"[{kind}] S3 import: {figures['import_rate']:,.0f} img/s", flush=True)
        figures["list_floor"], figures["get_floor"], figures["head_floor"] = floors(options)
    finally:
        server.kill()
        server.wait()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5000, help="photos to import (5000)")
    parser.add_argument(
        "--server",
        choices=("both", "moto", "loopback"),
        default="both",
        help="moto (the test suite's server) and/or bench/_s3_loopback.py (fast)",
    )
    args = parser.parse_args(argv)
    logging.getLogger("botocore").setLevel(logging.WARNING)

    photos = ensure_photos(args.images)
    count = len(list(photos.rglob("*.jpg")))
    for path in photos.rglob("*.jpg"):  # page cache, for the local import
        path.read_bytes()
    local = measure_local(photos, count)
    print(f"local folder import: {local:,.0f} img/s", flush=True)
    kinds = ("loopback", "moto") if args.server == "both" else (args.server,)
    results = {kind: run_server(kind, photos, count) for kind in kinds}
    local_after = measure_local(photos, count)
    print(f"local folder import (again): {local_after:,.0f} img/s\n", flush=True)
    best_local = max(local, local_after)

    rows: list[tuple[str, object]] = [
        ("images", count),
        ("local folder import, before (img/s)", f"{local:,.0f}"),
        ("local folder import, after (img/s)", f"{local_after:,.0f}"),
    ]
    for kind, s3 in results.items():
        rate = float(s3["import_rate"])  # type: ignore[arg-type]
        resync = float(s3["resync_rate"])  # type: ignore[arg-type]
        list_floor = float(s3["list_floor"])  # type: ignore[arg-type]
        get_floor = float(s3["get_floor"])  # type: ignore[arg-type]
        head_floor = float(s3["head_floor"])  # type: ignore[arg-type]
        manifest = float(s3["manifest_rate"])  # type: ignore[arg-type]
        rows += [
            (f"[{kind}] S3 import (img/s)", f"{rate:,.0f}"),
            (f"[{kind}] ratio S3 / best local (target >= 0.8)", f"{rate / best_local:.2f}"),
            (
                f"[{kind}] entries / labels / errors / downloaded",
                f"{s3['entries']} / {s3['labels']} / {s3['errors']} / {s3['downloaded']}",
            ),
            (f"[{kind}] re-sync, unchanged bucket (keys/s, target >= 20,000)", f"{resync:,.0f}"),
            (
                f"[{kind}] re-sync: seconds, unchanged / downloaded (target 0)",
                f"{s3['resync_seconds']:.2f} s, "
                f"{s3['resync_unchanged']} / {s3['resync_downloaded']}",
            ),
            (
                f"[{kind}] manifest update over stored images, key order (lines/s; downloaded)",
                f"{manifest:,.0f}; {s3['manifest_downloaded']}",
            ),
            (
                f"[{kind}] ratio manifest update / plain HEADs (a HEAD a line would give < 1)",
                f"{manifest / head_floor:.2f}",
            ),
            (f"[{kind}] server floor: plain boto3 listing (keys/s)", f"{list_floor:,.0f}"),
            (f"[{kind}] server floor: plain GETs, {THREADS} threads (obj/s)", f"{get_floor:,.0f}"),
            (
                f"[{kind}] server floor: plain HEADs, {THREADS} threads (obj/s)",
                f"{head_floor:,.0f}",
            ),
        ]
    rows.append(("peak RSS of this process (MiB)", f"{peak_rss_mib():.0f}"))
    print_table(["figure", "value"], rows)


if __name__ == "__main__":
    sys.exit(main())
