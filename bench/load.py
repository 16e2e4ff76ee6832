"""Benchmark: concurrent signed-in annotators against the real server, over loopback.

    python bench/load.py [--db sqlite|postgresql] [--users 50] [--seconds 30]
                         [--images 300] [--think 0.5] [--profile-seconds 15]

Sets up a data folder with one project whose TRAIN dataset holds ``--images`` generated
photos and ``--users`` annotators (a password each, a grant on the project), starts
``customlabels serve`` as its own process (on a fresh PostgreSQL database with
``--db postgresql``, dropped at the end) and drives it from this process with one
``httpx.AsyncClient`` per user, signed in with the session cookie and sending the CSRF
header on writes, as the console does. Each user, until ``--seconds`` have passed:

- pages the gallery (GET entries with the cursor; 24 a page, as a screen of tiles) and
  fetches the page's thumbnails, 6 at a time (a browser's connections to one host); no
  cache, as a user with a cold browser cache: the worst case for the server;
- opens an entry (GET entry, GET its image); a quarter of the time one of a few "hot"
  entries, so that users do edit the same entries and the conflict path is exercised;
- saves labels (PATCH with the entry's version) and then boxes (PUT with the version the
  PATCH returned). A 409 is a conflict the client saw, not an error: it re-reads the entry
  and applies its change once more on what it read; a second 409 is counted and left.

and waits ``--think`` seconds (uniformly 0.5x..1.5x) between those steps: a person looks at
what they opened. Reads are the GETs, writes the PATCH/PUT; an error is any other status or
a failed request (a GET that met a kept-alive connection the server had just closed is sent
again once, as browsers do, and counted apart). The same load with one user runs first:
the latency without contention, which the 50-user figures are divided by (the machine is
shared and noisy, so only ratios within one run compare). Then, unless
``--profile-seconds 0``, the load runs once more on a server started under
bench/_sampler.py, which prints where write requests spend their wall time.

Targets: p95 <= 100 ms for reads, <= 250 ms for writes, no errors, no lost update (see
``check_saves``).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from _common import (
    BENCH_DIR,
    OUT_DIR,
    bench_context,
    percentile,
    postgres_database,
    print_table,
    sample_photos,
    temp_dir,
)
from PIL import Image

import customlabels
from customlabels.services import accounts, labels, project_access, projects
from customlabels.services.imports import uploads

PROJECT = "load"
PASSWORD = "load-bench-password"
VOCABULARY = ("cat", "dog", "car", "tree", "person", "bike")
PAGE = 24
THUMB_CONCURRENCY = 6
HOT_ENTRIES = 6
HOT_SHARE = 0.25
IMAGE_SIZE = (320, 240)
API = "/api/v1"
ENTRIES = f"{API}/projects/{PROJECT}/datasets/train/entries"
READ_P95_TARGET_S = 0.100
WRITE_P95_TARGET_S = 0.250

# An entry's content as the server returns it: image-level labels, and boxes as
# (label, left, top, width, height) in a fixed order.
State = tuple[tuple[str, ...], tuple[tuple[str, float, float, float, float], ...]]


def state_of(body: dict[str, Any]) -> State:
    boxes = sorted(
        (b["label"], b["left"], b["top"], b["width"], b["height"]) for b in body["boxes"]
    )
    return tuple(sorted(body["labels"])), tuple(boxes)


# -- setup --------------------------------------------------------------------------------


def photos(count: int, seed: int = 0) -> list[bytes]:
    """``count`` distinct JPEGs: random crops of the sample photos, each slightly tinted
    (distinct bytes, so each is its own asset with its own thumbnail)."""
    rng = np.random.default_rng(seed)
    sources = list(sample_photos().values())
    out = []
    for k in range(count):
        src = sources[k % len(sources)]
        h, w = src.shape[:2]
        ch, cw = min(h, 2 * IMAGE_SIZE[1]), min(w, 2 * IMAGE_SIZE[0])
        top, left = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        crop = src[top : top + ch, left : left + cw].astype(np.int16)
        crop = np.clip(crop + rng.integers(-12, 13, size=3), 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(crop).resize(IMAGE_SIZE).save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


def user_name(k: int) -> str:
    return f"annotator{k:02d}"


def populate(data_dir: Path, database_url: str | None, images: int, users: int) -> None:
    """The project, its photos, the vocabulary and the annotators, through the services."""
    with bench_context(data_dir, database_url) as ctx:
        projects.create_project(ctx, PROJECT)
        files = [uploads.UploadedFile(f"img{k:04d}.jpg", d) for k, d in enumerate(photos(images))]
        uploads.upload_files(ctx, PROJECT, "train", files)
        for name in VOCABULARY:
            labels.create_label(ctx, PROJECT, name)
        for k in range(users):
            accounts.create_user(ctx, user_name(k), "annotator", PASSWORD)
            project_access.grant(ctx, PROJECT, user_name(k), "annotator")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(
    data_dir: Path, database_url: str | None, log: Path, profile: Path | None = None
) -> Iterator[str]:
    """``customlabels serve`` in its own process (stopped with SIGINT, as Ctrl-C would)."""
    port = free_port()
    src = str(Path(customlabels.__file__).resolve().parents[1])
    # Only what the bench chooses: a CUSTOMLABELS_* variable of the shell must not change it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    if database_url:
        env["CUSTOMLABELS_DATABASE_URL"] = database_url
    if profile is not None:
        env["CUSTOMLABELS_BENCH_PROFILE"] = str(profile)
    command = [sys.executable, str(BENCH_DIR / "_sampler.py"), "serve", "--port", str(port)]
    command += ["--data-dir", str(data_dir)]
    with log.open("ab") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}): see {log}")
            try:
                if httpx.get(f"{base}{API}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: see {log}")
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the load -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ack:
    """An acknowledged save: what the client read (base) and what the server said it saved."""

    user: int
    entry_id: int
    base_version: int
    base_state: State
    new_version: int
    new_state: State


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    given_up: int = 0
    resent: int = 0
    acks: list[Ack] = field(default_factory=list)
    seconds: float = 0.0

    def of_kind(self, kind: str) -> list[float]:
        return [s for op, v in self.latencies.items() if op.split()[0] == kind for s in v]


KIND = {"GET": "read", "PATCH": "write", "PUT": "write"}


class Annotator:
    def __init__(self, k: int, base: str, results: Results, think: float, seed: int) -> None:
        self.k = k
        self.results = results
        self.think_s = think
        self.rng = random.Random(seed)
        # A browser's connection limit to one host; cookies are kept by the client.
        self.http = httpx.AsyncClient(
            base_url=base, timeout=60, limits=httpx.Limits(max_connections=THUMB_CONCURRENCY)
        )
        self.csrf = ""

    async def sign_in(self) -> None:
        response = await self.http.post(
            f"{API}/session", json={"name": user_name(self.k), "password": PASSWORD}
        )
        response.raise_for_status()
        self.csrf = response.json()["csrf_token"]

    async def call(
        self, method: str, op: str, url: str, ok: tuple[int, ...] = (200,), **kw: Any
    ) -> httpx.Response | None:
        """One timed request; None (and an error noted) when it failed or had another status."""
        headers = {"X-CSRF-Token": self.csrf} if method != "GET" else {}
        start = time.perf_counter()
        try:
            try:
                response = await self.http.request(method, url, headers=headers, **kw)
            except (httpx.RemoteProtocolError, httpx.ReadError):
                # A kept-alive connection the server closed as it was reused (uvicorn closes
                # idle ones after 5 s): a browser sends an idempotent request again on a new
                # one, so the client does too, once, and the time counts; writes never.
                if method != "GET":
                    raise
                self.results.resent += 1
                response = await self.http.request(method, url, headers=headers, **kw)
        except httpx.HTTPError as exc:
            self.results.errors.append(f"{op}: {type(exc).__name__} {exc}")
            return None
        self.results.latencies[f"{KIND[method]} {op}"].append(time.perf_counter() - start)
        if response.status_code not in ok:
            self.results.errors.append(f"{op}: HTTP {response.status_code} {response.text[:200]}")
            return None
        return response

    async def think(self) -> None:
        if self.think_s > 0:
            await asyncio.sleep(self.think_s * self.rng.uniform(0.5, 1.5))

    async def run(self, deadline: float, hot: list[int]) -> None:
        token: str | None = None
        while time.monotonic() < deadline:
            params: dict[str, Any] = {"limit": PAGE}
            if token:
                params["next_token"] = token
            page = await self.call("GET", "entries page", ENTRIES, params=params)
            if page is None:
                await self.think()
                continue
            body = page.json()
            token = body["next_token"]  # None at the end: the next loop starts again
            ids = [item["id"] for item in body["items"]]
            await self.thumbnails(ids)
            await self.think()
            if time.monotonic() >= deadline:
                break
            use_hot = self.rng.random() < HOT_SHARE
            await self.edit(self.rng.choice(hot if use_hot or not ids else ids), deadline)
            await self.think()

    async def thumbnails(self, ids: list[int]) -> None:
        gate = asyncio.Semaphore(THUMB_CONCURRENCY)

        async def one(entry_id: int) -> None:
            async with gate:
                await self.call("GET", "thumbnail", f"{ENTRIES}/{entry_id}/thumbnail")

        await asyncio.gather(*(one(i) for i in ids))

    async def read_entry(self, entry_id: int) -> dict[str, Any] | None:
        response = await self.call("GET", "entry", f"{ENTRIES}/{entry_id}")
        return response.json() if response is not None else None

    async def edit(self, entry_id: int, deadline: float) -> None:
        entry = await self.read_entry(entry_id)
        if entry is None:
            return
        await self.call("GET", "image", f"{ENTRIES}/{entry_id}/image")
        await self.think()
        entry = await self.save(entry, self.label_change)
        if entry is None or time.monotonic() >= deadline:
            return
        await self.think()
        await self.save(entry, self.box_change)

    def label_change(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        present = list(entry["labels"])
        add = self.rng.choice(VOCABULARY)
        remove = [self.rng.choice(present)] if present and self.rng.random() < 0.5 else []
        remove = [r for r in remove if r != add]
        return "PATCH", "save labels", {"add_labels": [add], "remove_labels": remove}

    def box_change(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        width, height = IMAGE_SIZE
        boxes = []
        for _ in range(self.rng.randint(1, 3)):
            w, h = self.rng.randint(10, width // 2), self.rng.randint(10, height // 2)
            left, top = self.rng.randint(0, width - w), self.rng.randint(0, height - h)
            label = self.rng.choice(VOCABULARY)
            boxes.append({"label": label, "left": left, "top": top, "width": w, "height": h})
        return "PUT", "save boxes", {"boxes": boxes}

    async def save(self, entry: dict[str, Any], change: Any) -> dict[str, Any] | None:
        """Save ``change`` on ``entry``; on a conflict re-read and try once more."""
        for attempt in range(2):
            method, op, body = change(entry)
            url = f"{ENTRIES}/{entry['id']}" + ("/boxes" if method == "PUT" else "")
            response = await self.call(
                method, op, url, ok=(200, 409), json={"version": entry["version"], **body}
            )
            if response is None:
                return None
            if response.status_code == 409:
                self.results.conflicts += 1
                if attempt == 1:
                    self.results.given_up += 1
                    return None
                fresh = await self.read_entry(entry["id"])
                if fresh is None:
                    return None
                entry = fresh
                continue
            saved: dict[str, Any] = response.json()
            self.check_intent(op, body, saved)
            self.results.acks.append(
                Ack(
                    self.k,
                    entry["id"],
                    entry["version"],
                    state_of(entry),
                    saved["version"],
                    state_of(saved),
                )
            )
            return saved
        return None

    def check_intent(self, op: str, body: dict[str, Any], saved: dict[str, Any]) -> None:
        """The acknowledged entry carries the change that was sent."""
        if op == "save labels":
            ok = set(body["add_labels"]) <= set(saved["labels"]) and not (
                set(body["remove_labels"]) & set(saved["labels"])
            )
        else:
            sent = {"boxes": body["boxes"], "labels": []}
            ok = state_of(sent)[1] == state_of(saved)[1]
        if not ok:
            self.results.errors.append(f"{op}: the saved entry lacks the change: {saved}")


async def entries_now(http: httpx.AsyncClient) -> dict[int, dict[str, Any]]:
    response = await http.get(ENTRIES, params={"limit": 1000})
    response.raise_for_status()
    return {item["id"]: item for item in response.json()["items"]}


async def load(
    base: str,
    users: int,
    seconds: float,
    think: float,
    seed: int,
    on_start: Callable[[], None] | None = None,
) -> Results:
    """``users`` annotators for ``seconds``; ``on_start`` is called as the timed load begins
    (after signing in), for another load to run beside this one."""
    results = Results()
    annotators = [Annotator(k, base, results, think, seed * 1000 + k) for k in range(users)]
    try:
        # Signing in is not measured: it is once a day, and deliberately slow (argon2).
        await asyncio.gather(*(a.sign_in() for a in annotators))
        initial = await entries_now(annotators[0].http)
        hot = sorted(initial)[:HOT_ENTRIES]
        if on_start is not None:
            on_start()
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(a.run(deadline, hot) for a in annotators))
        results.seconds = time.monotonic() - start
        final = await entries_now(annotators[0].http)
    finally:
        await asyncio.gather(*(a.http.aclose() for a in annotators))
    problems = check_saves(results.acks, initial, final)
    results.errors.extend(f"lost update: {p}" for p in problems)
    return results


def check_saves(
    acks: list[Ack], initial: dict[int, dict[str, Any]], final: dict[int, dict[str, Any]]
) -> list[str]:
    """What contradicts "every acknowledged save landed, or its client saw a conflict".

    Every save names the version it was based on, and the server applies it only if that is
    still the entry's version, making it version + 1 (a compare-and-set). So, per entry, the
    acknowledged saves must form one chain from the initial version to the final one:

    - no two acknowledged saves share a base version: both would have been applied to the
      same state, and the later one overwrote the earlier without its client seeing it (the
      classic lost update); likewise no two claim the same new version;
    - each new version is its base + 1;
    - the state a save was based on (what its client read, or the previous save's answer)
      equals what the acknowledged save that made that version answered, or the initial
      state: an acknowledged save's content is what the next reader saw, not a stale copy;
    - the final entry is the last acknowledged save, version and content: nothing was
      written after it unacknowledged, and the last save was not lost.

    With a single writer this is "the server's state equals its last acknowledged save";
    with several, every acknowledged save is followed by one that was based on it, or is
    the final state. A save that got a 409 is absent: its client saw the conflict.
    """
    problems: list[str] = []
    by_entry: dict[int, list[Ack]] = defaultdict(list)
    for ack in acks:
        by_entry[ack.entry_id].append(ack)
    for entry_id, saves in by_entry.items():
        start = initial[entry_id]
        made = {a.new_version: a for a in saves}
        bases = [a.base_version for a in saves]
        if len(made) != len(saves):
            problems.append(f"entry {entry_id}: two acknowledged saves made the same version")
        if len(set(bases)) != len(bases):
            problems.append(f"entry {entry_id}: two acknowledged saves on the same version")
        for a in saves:
            if a.new_version != a.base_version + 1:
                problems.append(
                    f"entry {entry_id}: save on v{a.base_version} made v{a.new_version}"
                )
            if a.base_version == start["version"]:
                expected = state_of(start)
            elif a.base_version in made:
                expected = made[a.base_version].new_state
            else:
                problems.append(f"entry {entry_id}: v{a.base_version} was never acknowledged")
                continue
            if a.base_state != expected:
                problems.append(f"entry {entry_id}: v{a.base_version} read differs from its save")
        last = made[max(made)]
        end = final[entry_id]
        if end["version"] != last.new_version or state_of(end) != last.new_state:
            problems.append(
                f"entry {entry_id}: final v{end['version']} is not the last acknowledged "
                f"save v{last.new_version} (user {last.user})"
            )
    # Entries nobody saved are untouched.
    for entry_id, end in final.items():
        if entry_id not in by_entry and end["version"] != initial[entry_id]["version"]:
            problems.append(f"entry {entry_id}: changed with no acknowledged save")
    return problems


# -- report -------------------------------------------------------------------------------


def figures(samples: list[float]) -> tuple[float, float, float]:
    if not samples:
        return (float("nan"),) * 3  # type: ignore[return-value]
    return percentile(samples, 50), percentile(samples, 95), percentile(samples, 99)


def report(label: str, results: Results, baseline: Results | None) -> None:
    print(
        f"{label}: {results.seconds:.1f} s, {len(results.acks)} saves acknowledged, "
        f"{results.conflicts} conflicts seen ({results.given_up} given up after the retry), "
        f"{len(results.errors)} errors, {results.resent} GETs sent again on a closed "
        "kept-alive connection",
        flush=True,
    )
    rows = []
    keys = ["read", "write"] + sorted(results.latencies)
    for key in keys:
        samples = results.of_kind(key) if key in ("read", "write") else results.latencies[key]
        p50, p95, p99 = figures(samples)
        row: list[object] = [key, len(samples), f"{len(samples) / results.seconds:.1f}"]
        row += [f"{p50 * 1000:.1f}", f"{p95 * 1000:.1f}", f"{p99 * 1000:.1f}"]
        if baseline is not None:
            base = baseline.of_kind(key) if key in ("read", "write") else baseline.latencies[key]
            b50, b95, _ = figures(base)
            row += [f"{b50 * 1000:.1f}", f"{p50 / b50:.1f}x", f"{p95 / b95:.1f}x"]
        rows.append(row)
    headers = ["requests", "count", "per s", "p50 ms", "p95 ms", "p99 ms"]
    if baseline is not None:
        headers += ["1-user p50", "p50 ratio", "p95 ratio"]
    print_table(headers, rows)
    for error in results.errors[:10]:
        print(f"  error: {error}")
    if results.errors:
        print(flush=True)


def verdict(results: Results) -> None:
    read95, write95 = figures(results.of_kind("read"))[1], figures(results.of_kind("write"))[1]
    checks = [
        (
            f"reads p95 {read95 * 1000:.0f} ms <= {READ_P95_TARGET_S * 1000:.0f} ms",
            read95 <= READ_P95_TARGET_S,
        ),
        (
            f"writes p95 {write95 * 1000:.0f} ms <= {WRITE_P95_TARGET_S * 1000:.0f} ms",
            write95 <= WRITE_P95_TARGET_S,
        ),
        (f"{len(results.errors)} errors (lost updates included)", not results.errors),
    ]
    for text, ok in checks:
        print(f"  {'met   ' if ok else 'MISSED'} {text}")
    print(flush=True)


def print_profile(path: Path) -> None:
    data = json.loads(path.read_text())
    total = max(1, data["write_samples"])
    seconds = data["write_samples"] * data["interval_s"]
    print(
        f"Where write requests spend their wall time in the server's worker threads "
        f"({data['write_samples']} samples, ~{seconds:.1f} thread-seconds; share of them):"
    )

    def table(title: str, pairs: list[list[Any]], top: int) -> None:
        rows = [[name, f"{count / total:.0%}"] for name, count in pairs[:top]]
        print_table([title, "share"], rows)

    ours = [p for p in data["inclusive"] if "customlabels/" in p[0]]
    pool = sum(c for name, c in data["inclusive"] if name.startswith("_do_get (sqlalchemy/pool"))
    print(f"  waiting for a pooled database connection: {pool / total:.0%}")
    table("customlabels function on the stack (inclusive)", ours, 20)
    table("innermost frame (self)", data["leaf"], 12)
    table("SQL being executed", data["statements"], 12)


# -- main ---------------------------------------------------------------------------------


@contextmanager
def database(db: str) -> Iterator[str | None]:
    if db == "sqlite":
        yield None
        return
    with postgres_database("customlabels_load") as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--images", type=int, default=300)
    parser.add_argument(
        "--think", type=float, default=0.5, help="mean seconds a user waits between steps"
    )
    parser.add_argument("--profile-seconds", type=float, default=15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with temp_dir("customlabels-load-") as work, database(args.db) as url:
        data_dir = work / "data"
        # Kept after the run (bench/.out is git-ignored): the server's requests and errors.
        OUT_DIR.mkdir(exist_ok=True)
        log = OUT_DIR / f"load-server-{args.db}.log"
        log.write_bytes(b"")
        started = time.perf_counter()
        populate(data_dir, url, args.images, args.users)
        print(
            f"{args.db}: {args.images} images, {args.users} annotators set up in "
            f"{time.perf_counter() - started:.1f} s; think {args.think} s between steps\n",
            flush=True,
        )
        with server(data_dir, url, log) as base:
            baseline = asyncio.run(load(base, 1, args.seconds, args.think, args.seed))
            report("1 user (baseline)", baseline, None)
            results = asyncio.run(load(base, args.users, args.seconds, args.think, args.seed))
            report(f"{args.users} users", results, baseline)
        verdict(results)
        if args.profile_seconds > 0:
            profile = work / "profile.json"
            with server(data_dir, url, log, profile) as base:
                asyncio.run(load(base, args.users, args.profile_seconds, args.think, args.seed + 1))
            print_profile(profile)


if __name__ == "__main__":
    main()
