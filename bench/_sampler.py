"""Start ``customlabels`` (as the ``customlabels`` command would) with an optional sampling
profiler, for bench/load.py.

    python bench/_sampler.py serve --port 8000 --data-dir D

With ``CUSTOMLABELS_BENCH_PROFILE=out.json`` in the environment, a thread samples the
stacks of every thread of the server every few milliseconds and writes, at exit, how often
each function was on the stack of a write request (PATCH/PUT of an entry) and how often it
was the innermost frame. Without it this is the plain command.

Why a sampler of our own rather than cProfile or pyinstrument: FastAPI runs the sync routes
and the sync auth dependency in a pool of worker threads, which cProfile (one thread) does
not see; and a wall-clock sample also counts the time a request spends waiting (for the
SQLite write lock, a pooled connection, the GIL's holder), which is what limits a write.
It needs nothing installed. The cost is one stack walk per thread per sample, taken with
the GIL held, so the profiled run is a little slower and its figures are not reported as
latencies.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import time
from collections import Counter
from types import FrameType

INTERVAL_S = 0.005
# The route functions of a write, and the auth dependency that runs before them (in
# another worker thread, so it is attributed by its request's method).
WRITE_ROUTES = frozenset({"update_entry", "replace_boxes"})
AUTH_FUNCTIONS = frozenset({"authorize"})


def _key(frame: FrameType) -> str:
    code = frame.f_code
    path = code.co_filename
    # Shorten to the package-relative path: site-packages/x/y.py -> x/y.py.
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        at = path.rfind(marker)
        if at >= 0:
            path = path[at + len(marker) :]
            break
    return f"{code.co_name} ({path}:{code.co_firstlineno})"


def _is_write(stack: list[FrameType]) -> bool:
    for frame in stack:
        name = frame.f_code.co_name
        if name in WRITE_ROUTES and frame.f_code.co_filename.endswith("routes_entries.py"):
            return True
        if name in AUTH_FUNCTIONS and frame.f_code.co_filename.endswith("auth.py"):
            request = frame.f_locals.get("request")
            return getattr(request, "method", "GET") in ("PATCH", "PUT")
    return False


def _statement(stack: list[FrameType]) -> str | None:
    """The SQL a thread is running (its start), read from SQLAlchemy's ``do_execute`` frame:
    tells a wait for SQLite's write lock (``BEGIN IMMEDIATE``) from a slow query."""
    for frame in stack:
        code = frame.f_code
        if code.co_name in ("do_execute", "do_executemany") and "sqlalchemy" in code.co_filename:
            statement = frame.f_locals.get("statement")
            return " ".join(str(statement).split())[:90] if statement is not None else None
        if code.co_name == "do_commit" and "sqlalchemy" in code.co_filename:
            return "COMMIT"
    return None


class Sampler:
    def __init__(self, out_path: str) -> None:
        self.out_path = out_path
        self.inclusive: Counter[str] = Counter()
        self.leaf: Counter[str] = Counter()
        self.statements: Counter[str] = Counter()
        self.write_samples = 0
        self.samples = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def _run(self) -> None:
        me = threading.get_ident()
        while not self.stop.wait(INTERVAL_S):
            self.samples += 1
            for ident, top in sys._current_frames().items():
                if ident == me:
                    continue
                stack: list[FrameType] = []
                frame: FrameType | None = top
                while frame is not None:
                    stack.append(frame)
                    frame = frame.f_back
                if not _is_write(stack):
                    continue
                self.write_samples += 1
                self.leaf[_key(top)] += 1
                # Once per sample even when a function recurses.
                self.inclusive.update({_key(f) for f in stack})
                statement = _statement(stack)
                if statement is not None:
                    self.statements[statement] += 1

    def start(self) -> None:
        self.thread.start()
        atexit.register(self.dump)

    def dump(self) -> None:
        self.stop.set()
        self.thread.join(timeout=1)
        result = {
            "interval_s": INTERVAL_S,
            "samples": self.samples,
            "write_samples": self.write_samples,
            "inclusive": self.inclusive.most_common(60),
            "leaf": self.leaf.most_common(40),
            "statements": self.statements.most_common(20),
        }
        with open(self.out_path, "w") as handle:
            json.dump(result, handle)


def main() -> None:
    out = os.environ.get("CUSTOMLABELS_BENCH_PROFILE")
    if out:
        Sampler(out).start()
    from customlabels.cli import main as cli_main

    sys.argv[0] = "customlabels"
    started = time.perf_counter()
    try:
        cli_main()
    finally:
        if out:
            print(f"profiled for {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
