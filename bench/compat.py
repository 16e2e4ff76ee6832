"""Benchmark: boto3 clients of the Rekognition-compatible API beside console users.

    python bench/compat.py [--db sqlite|postgresql] [--boto-clients 10] [--users 50]
                           [--seconds 20] [--baseline-seconds 10] [--max-rounds 500]
                           [--images 300] [--think 0.5] [--sigv4-iterations 2000]

Sets up what bench/load.py sets up (a project of ``--images`` generated photos and
``--users`` annotators, ``customlabels serve`` in its own process, a fresh PostgreSQL
database dropped at the end with ``--db postgresql``), plus a small model trained through
the services on crops of two scikit-image photos (cat, coffee) and started, and a user with
an API key (viewer on both projects) for each boto3 client.

Each boto3 client, in a thread of a second client process (so that botocore's signing and
parsing do not compete with the console users' event loop for one interpreter), loops
until ``--seconds`` have passed or it has done ``--max-rounds`` rounds:

- walks the whole TRAIN dataset with ``get_paginator("list_dataset_entries")``
  (``--page-size`` entries a page), each page timed, and checks that it saw every entry;
- detects the labels of one photo (``DetectCustomLabels`` with ``Image.Bytes``).

with no pause: a script, not a person. Beside them bench/load.py's annotators run, started
when the boto3 clients start (after signing in), with its lost-update check. First, one
boto3 client alone: the latency without contention, which the loaded figures are divided
by (the machine is shared and noisy: only ratios within one run compare).

Before the load, with the server not yet started, the cost of authenticating one request
is measured in this process: ``compat.sigv4`` parsing and verification of a request signed
by botocore's own ``SigV4Auth``, the key lookup with the auth cache warm and cold, beside
the REST bearer check (``api_keys.principal_of_key``) and a no-op.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hmac
import io
import multiprocessing
import threading
import time
import timeit
from collections import defaultdict
from dataclasses import dataclass, field, replace
from hashlib import sha256
from multiprocessing.synchronize import Event
from queue import Empty
from typing import Any

import numpy as np
import orjson
from _common import (
    OUT_DIR,
    bench_context,
    print_table,
    sample_photos,
    temp_dir,
    train_version,
)
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from load import PROJECT, Results, database, figures, load, populate, server, verdict
from PIL import Image

from customlabels.compat import sigv4
from customlabels.services import accounts, api_keys, datasets, project_access, projects
from customlabels.services.arns import dataset_arn
from customlabels.services.context import Context
from customlabels.services.imports import uploads
from customlabels.services.models import serving

MODEL_PROJECT = "compat-model"
# Two labels the model can tell apart in seconds of training: crops of two sample photos.
MODEL_LABELS = {"cat": "chelsea", "coffee": "coffee"}
TRAINING_PHOTOS_PER_LABEL = 8
DETECT_SIZE = (320, 240)
REGION = "us-east-1"
LIST_KIND, DETECT_KIND = "boto3 list page", "boto3 detect"
# Untimed detections a client makes first: the server's first inferences are slower (the
# model is loaded on the first, and torch picks its kernels on the first few).
WARM_DETECTIONS = 3


# -- setup --------------------------------------------------------------------------------


def crops(source: str, count: int, size: tuple[int, int], seed: int) -> list[bytes]:
    """``count`` JPEG crops of a sample photo, each of its own bytes."""
    rng = np.random.default_rng(seed)
    picture = sample_photos()[source]
    h, w = picture.shape[:2]
    out = []
    for _ in range(count):
        ch, cw = int(h * rng.uniform(0.6, 0.9)), int(w * rng.uniform(0.6, 0.9))
        top, left = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        buffer = io.BytesIO()
        crop = Image.fromarray(picture[top : top + ch, left : left + cw]).resize(size)
        crop.save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


def running_model(ctx: Context) -> str:
    """Train a version on cat and coffee crops, start it; its ARN."""
    projects.create_project(ctx, MODEL_PROJECT)
    files = [
        uploads.UploadedFile(f"{label}/{k}.jpg", data)
        for n, (label, source) in enumerate(MODEL_LABELS.items())
        for k, data in enumerate(crops(source, TRAINING_PHOTOS_PER_LABEL, (256, 256), seed=n))
    ]
    uploads.upload_files(ctx, MODEL_PROJECT, "train", files, folder_labels=True)
    _, version = train_version(ctx, MODEL_PROJECT, {})
    return serving.start_version(ctx, MODEL_PROJECT, version.name).arn


def boto_user(k: int) -> str:
    return f"script{k:02d}"


def api_keys_for(ctx: Context, count: int) -> list[tuple[str, str]]:
    """A viewer of both projects with one API key per boto3 client: (key id, secret)."""
    keys = []
    for k in range(count):
        accounts.create_user(ctx, boto_user(k), "viewer")
        for project in (PROJECT, MODEL_PROJECT):
            project_access.grant(ctx, project, boto_user(k), "viewer")
        key = api_keys.create_key(ctx, boto_user(k))
        keys.append((key.access_key_id, key.secret_access_key))
    return keys


# -- the boto3 clients (in their own process) ---------------------------------------------


@dataclass(frozen=True)
class BotoPlan:
    base: str
    keys: list[tuple[str, str]]
    dataset_arn: str
    version_arn: str
    entries: int
    page_size: int
    photos: list[bytes]
    seconds: float
    max_rounds: int


@dataclass
class BotoResults:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    listings: int = 0
    seconds: float = 0.0


def boto_client(base: str, key: tuple[str, str]) -> Any:
    """A Rekognition client of its own session (sessions are not shared across threads);
    no retries, so that every failure is counted, not hidden."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "rekognition",
        endpoint_url=base,
        region_name=REGION,
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
        config=Config(retries={"max_attempts": 1}, read_timeout=120),
    )


def one_client(plan: BotoPlan, client: Any, k: int, deadline: float, results: BotoResults) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    for round_ in range(plan.max_rounds):
        if time.monotonic() >= deadline:
            return
        paginator = client.get_paginator("list_dataset_entries")
        pages = iter(
            paginator.paginate(
                DatasetArn=plan.dataset_arn, PaginationConfig={"PageSize": plan.page_size}
            )
        )
        seen: set[str] = set()
        while True:
            start = time.perf_counter()
            try:
                page = next(pages)
            except StopIteration:
                break
            except (BotoCoreError, ClientError) as exc:
                results.errors.append(f"list page: {type(exc).__name__} {exc}")
                seen.clear()
                break
            results.latencies[LIST_KIND].append(time.perf_counter() - start)
            seen.update(orjson.loads(line)["source-ref"] for line in page["DatasetEntries"])
        if seen:
            results.listings += 1
            if len(seen) != plan.entries:
                results.errors.append(f"a listing saw {len(seen)} of {plan.entries} entries")
        photo = plan.photos[(k + round_) % len(plan.photos)]
        start = time.perf_counter()
        try:
            found = client.detect_custom_labels(
                ProjectVersionArn=plan.version_arn, Image={"Bytes": photo}, MinConfidence=0
            )["CustomLabels"]
        except (BotoCoreError, ClientError) as exc:
            results.errors.append(f"detect: {type(exc).__name__} {exc}")
            continue
        results.latencies[DETECT_KIND].append(time.perf_counter() - start)
        if not found or {c["Name"] for c in found} - set(MODEL_LABELS):
            results.errors.append(f"detect answered {found}")


def run_boto_clients(plan: BotoPlan, go: Event, out: Any) -> None:
    """The child process: clients made and warmed, untimed (a listing page and a few
    detections each: connections, botocore's loaders, the server's model), "ready", then
    the load once ``go`` is set."""
    clients = [boto_client(plan.base, key) for key in plan.keys]
    for client in clients:
        client.list_dataset_entries(DatasetArn=plan.dataset_arn, MaxResults=plan.page_size)
        for photo in plan.photos[:WARM_DETECTIONS]:
            client.detect_custom_labels(ProjectVersionArn=plan.version_arn, Image={"Bytes": photo})
    out.put("ready")
    go.wait()
    results = BotoResults()
    start = time.monotonic()
    deadline = start + plan.seconds
    threads = [
        threading.Thread(target=one_client, args=(plan, client, k, deadline, results))
        for k, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.seconds = time.monotonic() - start
    out.put(results)


def boto_load(
    plan: BotoPlan, console: tuple[str, int, float, int] | None
) -> tuple[BotoResults, Results | None]:
    """The boto3 clients in a child process, with ``console`` (base, users, think, seed)
    annotators in this one, both timed from the same moment."""
    spawn = multiprocessing.get_context("spawn")
    go, out = spawn.Event(), spawn.Queue()
    child = spawn.Process(target=run_boto_clients, args=(plan, go, out), daemon=True)
    child.start()
    try:
        if out.get(timeout=300) != "ready":
            raise RuntimeError("the boto3 client process did not get ready")
        console_results = None
        if console is None:
            go.set()
        else:
            base, users, think, seed = console
            console_results = asyncio.run(load(base, users, plan.seconds, think, seed, go.set))
        results: BotoResults = out.get(timeout=plan.seconds + 300)
    except Empty:
        raise RuntimeError("the boto3 client process did not answer") from None
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
    return results, console_results


# -- the cost of authenticating one request -----------------------------------------------


def signed_request(base: str, key: tuple[str, str], target: str, body: bytes) -> dict[str, str]:
    """The headers of a request botocore's own signer signed, as the server sees them."""
    request = AWSRequest(
        method="POST",
        url=base + "/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"RekognitionService.{target}",
            "User-Agent": "Boto3/1.35 md/Botocore#1.35 ua/2.0 os/linux lang/python",
        },
    )
    SigV4Auth(Credentials(*key), "rekognition", REGION).add_auth(request)
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers["host"] = base.split("://", 1)[1]
    headers["content-length"] = str(len(body))
    return headers


def micro_us(fn: Any, iterations: int) -> float:
    """Microseconds per call, the best of 3 runs of ``iterations`` (the least disturbed)."""
    fn()
    return min(timeit.repeat(fn, number=iterations, repeat=3)) / iterations * 1e6


def sigv4_cost(
    ctx: Context, key: tuple[str, str], dataset_arn: str, version_arn: str, photo: bytes, n: int
) -> None:
    key_id, secret = key
    base = "http://127.0.0.1:8000"
    detect_body = orjson.dumps(
        {"ProjectVersionArn": version_arn, "Image": {"Bytes": base64.b64encode(photo).decode()}}
    )
    list_body = orjson.dumps({"DatasetArn": dataset_arn, "MaxResults": 50})

    def authenticate(headers: dict[str, str], body: bytes) -> None:
        # endpoint._authenticate, minus the starlette Request it reads the headers from
        signed = sigv4.parse(headers["authorization"], headers["x-amz-date"])
        sigv4.check_time(signed)
        found = api_keys.secret_of(ctx, signed.access_key_id)
        assert found is not None
        sigv4.verify(signed, found[1], "POST", base + "/", headers, body)

    def cold(fn: Any) -> Any:
        def call() -> None:
            ctx.auth_cache.keys.forget(key_id)
            fn()

        return call

    list_headers = signed_request(base, key, "ListDatasetEntries", list_body)
    detect_headers = signed_request(base, key, "DetectCustomLabels", detect_body)
    list_signed = sigv4.parse(list_headers["authorization"], list_headers["x-amz-date"])
    detect_signed = sigv4.parse(detect_headers["authorization"], detect_headers["x-amz-date"])
    kb = f"{len(detect_body) / 1024:.0f} KB body"

    def bearer() -> None:
        api_keys.principal_of_key(ctx, key_id, secret)

    def lookup() -> None:
        api_keys.secret_of(ctx, key_id)

    def parse_and_time() -> None:
        sigv4.check_time(sigv4.parse(list_headers["authorization"], list_headers["x-amz-date"]))

    def verify_list() -> None:
        sigv4.verify(list_signed, secret, "POST", base + "/", list_headers, list_body)

    def verify_detect() -> None:
        sigv4.verify(detect_signed, secret, "POST", base + "/", detect_headers, detect_body)

    def derive_signing_key() -> None:
        # What botocore's SigV4Auth.signature does before its last HMAC, on every request:
        # what a cache of the key per (key id, date, region, service) would save.
        k_date = hmac.new(f"AWS4{secret}".encode(), list_signed.amz_date[:8].encode(), sha256)
        k_region = hmac.new(k_date.digest(), REGION.encode(), sha256).digest()
        k_service = hmac.new(k_region, b"rekognition", sha256).digest()
        hmac.new(k_service, b"aws4_request", sha256).digest()

    def auth_list() -> None:
        authenticate(list_headers, list_body)

    def auth_detect() -> None:
        authenticate(detect_headers, detect_body)

    cases = [
        ("no-op", lambda: None, n),
        ("REST bearer check (principal_of_key), cache warm", bearer, n),
        ("REST bearer check, cache cold", cold(bearer), n // 4),
        ("key lookup (secret_of), cache warm", lookup, n),
        ("key lookup, cache cold", cold(lookup), n // 4),
        ("sigv4.parse + check_time", parse_and_time, n),
        ("sigv4.verify, ListDatasetEntries", verify_list, n),
        (f"sigv4.verify, DetectCustomLabels ({kb})", verify_detect, n),
        ("  of which deriving the signing key (4 HMACs)", derive_signing_key, n),
        ("SigV4 authentication, ListDatasetEntries, cache warm", auth_list, n),
        ("SigV4 authentication, ListDatasetEntries, cache cold", cold(auth_list), n // 4),
        (f"SigV4 authentication, DetectCustomLabels ({kb}), warm", auth_detect, n),
    ]
    rows, costs = [], {}
    for name, fn, iterations in cases:
        costs[name] = micro_us(fn, max(1, iterations))
    warm_bearer = costs[cases[1][0]]
    for name, us in costs.items():
        rows.append([name, f"{us:.1f}", f"{us / warm_bearer:.1f}x"])
    print(f"The cost of authenticating one request (µs per call, best of 3 x {n} iterations):")
    print_table(["check", "µs", "/ REST bearer warm"], rows)


# -- report -------------------------------------------------------------------------------


def report(
    label: str, boto: BotoResults, console: Results | None, baseline: BotoResults | None
) -> None:
    errors = boto.errors + (console.errors if console is not None else [])
    print(
        f"{label}: {boto.seconds:.1f} s, {boto.listings} whole listings walked, "
        f"{len(errors)} errors"
        + (
            f"; console: {len(console.acks)} saves acknowledged, {console.conflicts} "
            f"conflicts seen, {console.resent} GETs sent again on a closed connection"
            if console is not None
            else ""
        ),
        flush=True,
    )
    kinds: list[tuple[str, list[float], float, list[float] | None]] = [
        (kind, boto.latencies[kind], boto.seconds, baseline.latencies[kind] if baseline else None)
        for kind in (LIST_KIND, DETECT_KIND)
    ]
    if console is not None:
        kinds += [(f"console {k}", console.of_kind(k), console.seconds, None) for k in KINDS]
    rows = []
    for kind, samples, seconds, base in kinds:
        p50, p95, p99 = figures(samples)
        row: list[object] = [kind, len(samples), f"{len(samples) / seconds:.1f}"]
        row += [f"{p50 * 1000:.1f}", f"{p95 * 1000:.1f}", f"{p99 * 1000:.1f}"]
        if baseline is not None:
            if base:
                b50, b95, _ = figures(base)
                row += [f"{b50 * 1000:.1f}", f"{p50 / b50:.1f}x", f"{p95 / b95:.1f}x"]
            else:
                row += ["-", "-", "-"]
        rows.append(row)
    headers = ["requests", "count", "per s", "p50 ms", "p95 ms", "p99 ms"]
    if baseline is not None:
        headers += ["1-client p50", "p50 ratio", "p95 ratio"]
    print_table(headers, rows)
    for error in errors[:10]:
        print(f"  error: {error}")
    if errors:
        print(flush=True)


KINDS = ("read", "write")


# -- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--boto-clients", type=int, default=10)
    parser.add_argument("--users", type=int, default=50, help="console annotators beside")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument(
        "--max-rounds", type=int, default=500, help="rounds (a listing, a detection) a client"
    )
    parser.add_argument("--images", type=int, default=300)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--think", type=float, default=0.5, help="the console users' pause")
    parser.add_argument("--sigv4-iterations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.boto_clients < 1 or args.users < 0:
        parser.error("--boto-clients must be 1 or more and --users 0 or more")

    with temp_dir("customlabels-compat-") as work, database(args.db) as url:
        data_dir = work / "data"
        OUT_DIR.mkdir(exist_ok=True)
        log = OUT_DIR / f"compat-server-{args.db}.log"
        log.write_bytes(b"")
        started = time.perf_counter()
        populate(data_dir, url, args.images, args.users)
        with bench_context(data_dir, url) as ctx:
            trained = time.perf_counter()
            version_arn = running_model(ctx)
            trained = time.perf_counter() - trained
            keys = api_keys_for(ctx, args.boto_clients)
            info = datasets.describe_dataset(ctx, PROJECT, "train")
            project_created = projects.describe_project(ctx, PROJECT).created_at
            dataset = dataset_arn(PROJECT, project_created, info.dataset_type, info.created_at)
            photos = [
                photo
                for n, source in enumerate(MODEL_LABELS.values())
                for photo in crops(source, 4, DETECT_SIZE, seed=100 + n)
            ]
            print(
                f"{args.db}: {args.images} images, {args.users} annotators, "
                f"{args.boto_clients} API keys and a model (trained and started in "
                f"{trained:.1f} s) set up in {time.perf_counter() - started:.1f} s\n",
                flush=True,
            )
            sigv4_cost(ctx, keys[0], dataset, version_arn, photos[0], args.sigv4_iterations)
        with server(data_dir, url, log) as base:
            plan = BotoPlan(
                base=base,
                keys=keys[:1],
                dataset_arn=dataset,
                version_arn=version_arn,
                entries=args.images,
                page_size=args.page_size,
                photos=photos,
                seconds=args.baseline_seconds,
                max_rounds=args.max_rounds,
            )
            baseline, _ = boto_load(plan, None)
            report("1 boto3 client alone (baseline)", baseline, None, None)
            plan = replace(plan, keys=keys, seconds=args.seconds)
            console = (base, args.users, args.think, args.seed) if args.users else None
            loaded, beside = boto_load(plan, console)
            label = f"{args.boto_clients} boto3 clients beside {args.users} console users"
            report(label, loaded, beside, baseline)
        if beside is not None:
            print("The console users, against bench/load.py's targets:")
            verdict(beside)


if __name__ == "__main__":
    main()
