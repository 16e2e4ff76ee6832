"""Benchmark: gallery queries and label edits on a dataset of a million entries.

    .venv/bin/python bench/query.py [--entries 1000000] [--runs 30] [--backends sqlite,postgres]

Builds one dataset of N synthetic entries on SQLite and on PostgreSQL, then times, through
the public services, what a gallery and a label editor do:

- pages of 100 entries (the first, and a deep one from a cursor after ~90% of the ids)
  filtered by one label, by labeled=False, and by a source-ref substring (one matching ~10%
  of the refs, one matching a single ref);
- label stats (ListDatasetLabels) and dataset stats (DescribeDataset);
- renaming, then merging, a label used by half the entries (timed once each).

Targets: pages and stats p95 <= 50 ms, rename and merge <= 2 s, on both databases. The
baseline printed with them is the raw-SQL cost of reading 100 entry rows by primary key on
the same database, so a ratio shows what the service adds on top of the storage engine.

The rows are written with bulk SQL straight into the tables (executemany on SQLite, COPY on
PostgreSQL): building a million entries through the import path would take longer than all
the measurements. The counters are then set by services.stats.recompute_dataset, exactly as
the services would have kept them.

The synthetic data, for entry i (1-based):
- source_ref ``s3://bench-bucket/images/part{i % 10}/img_{i:07d}.jpg``, one of 8 assets;
- 5% unlabelled (i % 20 == 3): no label, no box;
- even i: the image-level label ``label-00`` (500,000 entries at N = 1M, the one renamed and
  merged); odd i: one of ``label-01`` .. ``label-19`` in turn;
- a box on half the entries (i % 4 in (0, 1)), with the entry's own label.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from _common import backend_context, ms, percentile, print_table, temp_dir, time_calls
from sqlalchemy import insert, text

from customlabels.db.tables import Asset
from customlabels.services import datasets, entries, labels, projects, stats
from customlabels.services.context import Context
from customlabels.services.entry_query import EntryFilter, encode_cursor

PROJECT = "bench"
LABELS = [f"label-{k:02d}" for k in range(20)]
COMMON = LABELS[0]  # on every even entry: half the dataset
RARE = LABELS[5]  # on ~1/19 of the odd entries (~2.5%), image-level and in boxes
ASSETS = 8
TIMESTAMP = "2024-01-01 00:00:00.000000"  # SQLAlchemy's SQLite DateTime text format
TARGET_QUERY_S = 0.050
TARGET_EDIT_S = 2.0


# -- the synthetic rows -------------------------------------------------------------------


def _label_of(i: int) -> int | None:
    """Index in LABELS of entry i's image-level label, or None for an unlabelled entry."""
    if i % 20 == 3:
        return None
    return 0 if i % 2 == 0 else 1 + (i // 2) % 19


def _source_ref(i: int) -> str:
    return f"s3://bench-bucket/images/part{i % 10}/img_{i:07d}.jpg"


def _rows(
    n: int, dataset_id: int, label_ids: list[int], asset_ids: list[int]
) -> Iterator[tuple[tuple[Any, ...], tuple[int, int, int] | None, tuple[Any, ...] | None]]:
    """(entry, entry_label, box) rows of entry i = 1..n, in id order."""
    for i in range(1, n + 1):
        k = _label_of(i)
        has_box = k is not None and i % 4 in (0, 1)
        entry = (
            i,
            dataset_id,
            _source_ref(i),
            asset_ids[i % len(asset_ids)],
            k is not None,
            has_box,
        )
        label = (i, label_ids[k], dataset_id) if k is not None else None
        box = None
        if has_box and k is not None:
            left, top = float(i % 300), float(i % 200)
            box = (i, i, dataset_id, label_ids[k], left, top, 120.0, 90.0)
        yield entry, label, box


def _load_sqlite(ctx: Context, rows: Iterator[Any]) -> None:
    """executemany on the raw sqlite3 connection, in one transaction, in chunks."""
    raw = ctx.db.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        chunk: list[Any] = []

        def flush() -> None:
            cur.executemany(
                "INSERT INTO entries (id, dataset_id, source_ref, asset_id, is_labeled, "
                "has_boxes, version, has_errors, no_objects, issues, raw_line, created_at, "
                f"updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 0, 0, '[]', NULL, '{TIMESTAMP}', "
                f"'{TIMESTAMP}')",
                [e for e, _, _ in chunk],
            )
            cur.executemany(
                "INSERT INTO entry_labels (entry_id, label_id, dataset_id) VALUES (?, ?, ?)",
                [lab for _, lab, _ in chunk if lab is not None],
            )
            cur.executemany(
                'INSERT INTO boxes (id, entry_id, dataset_id, label_id, "left", top, width, '
                "height) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [b for _, _, b in chunk if b is not None],
            )
            chunk.clear()

        for row in rows:
            chunk.append(row)
            if len(chunk) >= 50_000:
                flush()
        flush()
        cur.execute("COMMIT")
    finally:
        raw.close()


def _tsv(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _load_postgres(ctx: Context, rows: Iterator[Any]) -> None:
    """COPY into the three tables (tab-separated text built here: faster than write_row)."""
    entry_buf, label_buf, box_buf = io.StringIO(), io.StringIO(), io.StringIO()
    for entry, label, box in rows:
        entry_buf.write(
            "\t".join(map(_tsv, entry)) + f"\t1\tf\tf\t[]\t\\N\t{TIMESTAMP}+00\t{TIMESTAMP}+00\n"
        )
        if label is not None:
            label_buf.write("\t".join(map(str, label)) + "\n")
        if box is not None:
            box_buf.write("\t".join(map(str, box)) + "\n")
    raw = ctx.db.engine.raw_connection()
    try:
        cur = raw.cursor()
        copies = [
            (
                "COPY entries (id, dataset_id, source_ref, asset_id, is_labeled, has_boxes, "
                "version, has_errors, no_objects, issues, raw_line, created_at, updated_at) "
                "FROM STDIN",
                entry_buf,
            ),
            ("COPY entry_labels (entry_id, label_id, dataset_id) FROM STDIN", label_buf),
            (
                'COPY boxes (id, entry_id, dataset_id, label_id, "left", top, width, height) '
                "FROM STDIN",
                box_buf,
            ),
        ]
        for sql, buf in copies:
            with cur.copy(sql) as copy:  # type: ignore[attr-defined]
                data = buf.getvalue()
                for start in range(0, len(data), 1 << 22):
                    copy.write(data[start : start + (1 << 22)])
        # Explicit ids bypassed the sequences; later inserts must not collide with them.
        for table in ("entries", "boxes"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        raw.commit()
    finally:
        raw.close()


def build_dataset(ctx: Context, n: int) -> None:
    """The project, its 20 labels, 8 assets and N entries; counters set by the service."""
    projects.create_project(ctx, PROJECT)
    info = datasets.create_empty_dataset(ctx, PROJECT, "train")
    label_ids = [labels.create_label(ctx, PROJECT, name).id for name in LABELS]
    with ctx.db.write() as session:
        asset_ids = list(
            session.scalars(
                insert(Asset).returning(Asset.id),
                [
                    {
                        "sha256": f"{k:064x}",
                        "image_format": "JPEG",
                        "width": 640,
                        "height": 480,
                        "raw_width": 640,
                        "raw_height": 480,
                        "orientation": 1,
                        "byte_size": 60_000,
                    }
                    for k in range(ASSETS)
                ],
            )
        )
    start = time.perf_counter()
    rows = _rows(n, info.id, label_ids, asset_ids)
    if ctx.db.is_sqlite:
        _load_sqlite(ctx, rows)
    else:
        _load_postgres(ctx, rows)
    print(f"  bulk insert of {n:,} entries: {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    with ctx.db.write() as session:
        stats.recompute_dataset(session, info.id)
    print(f"  stats.recompute_dataset: {time.perf_counter() - start:.1f} s", flush=True)
    if not ctx.db.is_sqlite:
        # After a bulk load autovacuum would ANALYZE within a minute; do it now so the
        # planner sees the table as it would in steady state.
        with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


# -- the measurements ---------------------------------------------------------------------


def _page(ctx: Context, flt: EntryFilter, token: str | None) -> Callable[[], object]:
    def call() -> object:
        page = entries.list_entries(ctx, PROJECT, "train", flt, next_token=token, limit=100)
        return page.entries

    return call


def _raw_page(ctx: Context, after: int) -> Callable[[], object]:
    """The storage floor: 100 entry rows by primary key, in plain SQL on the same engine."""
    sql = text("SELECT * FROM entries WHERE id > :after ORDER BY id LIMIT 100")

    def call() -> object:
        with ctx.db.engine.connect() as conn:
            return conn.execute(sql, {"after": after}).all()

    return call


def measure(ctx: Context, n: int, runs: int) -> tuple[dict[str, list[float]], dict[str, Any]]:
    dataset_id = datasets.describe_dataset(ctx, PROJECT, "train").id
    # The token a client would hold after paging through 90% of the ids (made directly:
    # paging there 100 at a time would take 9,000 calls).
    deep = encode_cursor(last_id=int(n * 0.9), descending=False, dataset_id=dataset_id)
    single = f"img_{int(n * 0.95):07d}."  # matches exactly one ref, after the deep cursor
    cases: list[tuple[str, Callable[[], object]]] = [
        ("raw SQL: 100 rows by id (baseline)", _raw_page(ctx, n // 2)),
    ]
    filters = [
        (f"label {RARE} (~2.5%)", EntryFilter(contains_labels=(RARE,))),
        (f"label {COMMON} (50%)", EntryFilter(contains_labels=(COMMON,))),
        ("labeled=False (5%)", EntryFilter(labeled=False)),
        ("source-ref contains /part3/ (10%)", EntryFilter(source_ref_contains="/part3/")),
        ("source-ref contains one ref", EntryFilter(source_ref_contains=single)),
    ]
    for name, flt in filters:
        cases.append((f"page 1: {name}", _page(ctx, flt, None)))
        cases.append((f"deep page: {name}", _page(ctx, flt, deep)))
    cases.append(
        ("label stats (dataset_labels)", lambda: labels.dataset_labels(ctx, PROJECT, "train"))
    )
    cases.append(
        (
            "dataset stats (describe_dataset)",
            lambda: datasets.describe_dataset(ctx, PROJECT, "train"),
        )
    )
    samples: dict[str, list[float]] = {}
    for name, fn in cases:
        samples[name] = time_calls(fn, runs)
        print(
            f"  {name}: p50 {ms(percentile(samples[name], 50))} ms, "
            f"p95 {ms(percentile(samples[name], 95))} ms",
            flush=True,
        )
    # Each edit once: they change the data, so they can't be repeated as they are.
    edits: dict[str, Any] = {}
    start = time.perf_counter()
    labels.rename_label(ctx, PROJECT, COMMON, "label-00-renamed")
    edits["rename label used by 50%"] = time.perf_counter() - start
    start = time.perf_counter()
    usage = labels.merge_labels(ctx, PROJECT, "label-00-renamed", LABELS[1])
    edits["merge label used by 50% into another"] = time.perf_counter() - start
    edits["usage after merge"] = usage
    return samples, edits


def run_backend(backend: str, n: int, runs: int) -> tuple[dict[str, list[float]], dict[str, Any]]:
    print(f"\n== {backend}: {n:,} entries", flush=True)
    with temp_dir("cl-bench-query-") as data_dir, backend_context(backend, data_dir) as ctx:
        build_dataset(ctx, n)
        info = datasets.describe_dataset(ctx, PROJECT, "train")
        print(f"  dataset: {info.stats}", flush=True)
        return measure(ctx, n, runs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed calls per query (30)")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    results = {b: run_backend(b, args.entries, args.runs) for b in backends}

    first = results[backends[0]][0]
    headers = ["query (100 entries a page)"]
    for b in backends:
        headers += [f"{b} p50 ms", f"{b} p95 ms", f"{b} p95 x base"]
    rows = []
    for name in first:
        row: list[object] = [name]
        for b in backends:
            samples = results[b][0]
            base = percentile(samples["raw SQL: 100 rows by id (baseline)"], 95)
            p95 = percentile(samples[name], 95)
            flag = "" if p95 <= TARGET_QUERY_S or name.startswith("raw") else " !"
            row += [ms(percentile(samples[name], 50)), ms(p95) + flag, f"{p95 / base:.1f}x"]
        rows.append(row)
    print(
        f"\n{args.entries:,} entries, {args.runs} timed runs each; "
        f"target p95 <= {TARGET_QUERY_S * 1000:.0f} ms ('!' marks a miss)"
    )
    print_table(headers, rows)
    edit_rows = []
    for name in ("rename label used by 50%", "merge label used by 50% into another"):
        row = [name]
        for b in backends:
            seconds = results[b][1][name]
            row.append(f"{seconds:.2f}" + ("" if seconds <= TARGET_EDIT_S else " !"))
        edit_rows.append(row)
    print(f"label edits, seconds (target <= {TARGET_EDIT_S:.0f} s)")
    print_table(["edit", *backends], edit_rows)
    for b in backends:
        print(f"{b}: after the merge: {results[b][1]['usage after merge']}")


if __name__ == "__main__":
    sys.exit(main())
