"""Benchmark: the web console in Chromium on a dataset of a million entries.

    .venv/bin/python bench/console.py [--entries 1000000] [--runs 10] [--only gallery|boxes]

Needs the built console (``make web``) and Debian's Chromium. Measures what a user feels:

- time to first thumbnails: from navigation start to every tile of the first screen showing
  its decoded thumbnail (target <= 1 s), on a cold browser cache and on a reload;
- scrolling 10,000 rows of the gallery (cursor pages fetched as it goes): long tasks over
  100 ms seen by a PerformanceObserver('longtask') (target: none), and the time it took;
- on one image with 1,000 boxes: select a box, move it, draw a new one (target < 50 ms each),
  from mouse events dispatched in the page until the change shows (the stage's data attribute
  for the selection, the selected box or the box count has its new value) and the frame after
  it is painted with no Konva layer waiting to draw. The "baseline" row is one frame after a
  mouse move over nothing: the floor of this way of measuring.

The million entries are written with bench/query.py's bulk SQL builder (SQLite); their 8
assets get real thumbnails and bytes from scikit-image's sample photos.
"""

from __future__ import annotations

import argparse
import io
import sys
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from _common import bench_context, percentile, print_table, sample_photos, temp_dir
from PIL import Image
from playwright.sync_api import Page, sync_playwright
from query import PROJECT, build_dataset
from sqlalchemy import select

from customlabels.api.console_static import STATIC_DIR
from customlabels.app import create_app
from customlabels.db.tables import Asset, Thumbnail
from customlabels.imaging.thumbnail import make_thumbnail
from customlabels.jobs.queue import open_queue
from customlabels.services import entries, projects
from customlabels.services.context import Context
from customlabels.services.entries import BoxInput
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports import uploads
from customlabels.storage.protocol import asset_key

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LONG_TASKS = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longtasks.push(e.duration);
}).observe({ type: 'longtask', buffered: true });
"""
FIRST_SCREEN_READY = """() => {
  const imgs = [...document.querySelectorAll('.tile img')];
  const scroller = document.querySelector('.grid-scroller');
  if (!imgs.length || !scroller) return false;
  const bottom = scroller.getBoundingClientRect().bottom;
  const visible = imgs.filter((i) => i.getBoundingClientRect().bottom <= bottom);
  return visible.length >= 8 && visible.every((i) => i.complete && i.naturalWidth > 0);
}"""
BOXES_PROJECT = "boxes"


def photo_jpeg(pixels: Any, size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).convert("RGB").resize(size).save(out, "JPEG", quality=85)
    return out.getvalue()


def give_assets_pixels(ctx: Context) -> None:
    """The builder's 8 assets are rows only: store real bytes and thumbnails for them."""
    photos = [photo_jpeg(p) for p in sample_photos().values()]
    with ctx.db.write() as session:
        rows = session.execute(select(Asset.id, Asset.sha256).order_by(Asset.id)).all()
        for k, (asset_id, sha) in enumerate(rows):
            data = photos[k % len(photos)]
            ctx.blobs.put(asset_key(sha), data)
            session.merge(Thumbnail(asset_id=asset_id, data=make_thumbnail(data)))


def image_with_boxes(ctx: Context, count: int) -> int:
    """A project with one 640x480 photo carrying ``count`` boxes in a grid (bottom strip free)."""
    projects.create_project(ctx, BOXES_PROJECT)
    photo = photo_jpeg(next(iter(sample_photos().values())))
    uploads.upload_files(ctx, BOXES_PROJECT, "train", [uploads.UploadedFile("one.jpg", photo)])
    entry = entries.list_entries(ctx, BOXES_PROJECT, "train", EntryFilter()).entries[0]
    boxes = [
        BoxInput(f"part-{i % 5}", float((i % 40) * 16 + 2), float((i // 40) * 14 + 2), 12.0, 10.0)
        for i in range(count)
    ]
    entries.edit_entry(ctx, BOXES_PROJECT, "train", entry.id, expected_version=1, boxes=boxes)
    return entry.id


def serve(ctx: Context, data_dir: Path) -> tuple[str, uvicorn.Server]:
    queue = open_queue(None, data_dir)
    config = uvicorn.Config(create_app(ctx, queue), host="127.0.0.1", port=0, log_level="error")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}", server


def first_thumbnails(page: Page, url: str) -> float:
    page.goto(url)
    try:
        page.wait_for_function(FIRST_SCREEN_READY, polling="raf", timeout=30_000)
    except Exception:
        page.screenshot(path="/tmp/bench-fail.png")
        raise
    return page.evaluate("performance.now()") / 1000


def scroll_rows(page: Page, rows: int) -> tuple[float, list[float], int]:
    """Scroll the gallery down ``rows`` rows, a few rows a frame, waiting for pages to load."""
    page.evaluate("window.__longtasks = []")
    start = time.perf_counter()
    result = page.evaluate(
        """async (rows) => {
          const s = document.querySelector('.grid-scroller');
          const rowH = document.querySelector('.grid-row').getBoundingClientRect().height;
          const target = rows * rowH;
          let y = 0;
          while (y < target) {
            const room = s.scrollHeight - s.clientHeight - s.scrollTop;
            if (room > rowH * 6) { y += rowH * 4; s.scrollTop = y; }
            await new Promise((r) => requestAnimationFrame(r));
          }
          return document.querySelectorAll('.tile').length;
        }""",
        rows,
    )
    seconds = time.perf_counter() - start
    return seconds, page.evaluate("window.__longtasks"), result


IN_PAGE = """async ([steps, probe]) => {
  // Mouse events dispatched in the page (no round trip to Playwright in the figure), timed
  // until the change shows: the probe (a data attribute of the stage) has its new value, and
  // the frame after it is painted with no Konva layer still waiting to draw.
  const stage = document.querySelector('[data-testid=stage]');
  const content = stage.querySelector('.konvajs-content');
  const read = () => (probe ? stage.getAttribute(probe) : null);
  const before = read();
  const fire = (type, x, y) => {
    const init = { clientX: x, clientY: y, bubbles: true, cancelable: true, view: window,
                   button: 0, buttons: type === 'mouseup' ? 0 : 1 };
    content.dispatchEvent(new MouseEvent(type, init));
  };
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const waiting = (s) => s.getLayers().some((l) => l._waitingForDraw);
  const drawn = () => !window.Konva.stages.some(waiting);
  const t0 = performance.now();
  for (const [type, x, y] of steps) fire(type, x, y);
  for (let i = 0; i < 300; i++) {
    await frame();
    if ((!probe || read() !== before) && drawn()) return performance.now() - t0;
  }
  throw new Error(`${probe} stayed ${before}`);
}"""


def timed(page: Page, steps: list[tuple[str, float, float]], probe: str | None = None) -> float:
    """Milliseconds from dispatching ``steps`` (type, client x, y) until the stage's ``probe``
    attribute changed and the frame after it is painted."""
    result = page.evaluate(IN_PAGE, [[list(s) for s in steps], probe])
    page.wait_for_timeout(150)  # let the autosave of this change go before the next one
    return float(result)


def box_tool(page: Page, url: str, runs: int, count: int) -> dict[str, list[float]]:
    page.goto(url)
    page.wait_for_selector(".save.saved")
    page.wait_for_timeout(800)
    stage = page.get_by_test_id("stage")
    box = stage.bounding_box()
    assert box is not None

    def at(x: float, y: float) -> tuple[float, float]:
        scale = float(stage.get_attribute("data-scale") or 1)
        ox = float(stage.get_attribute("data-offset-x") or 0)
        oy = float(stage.get_attribute("data-offset-y") or 0)
        return box["x"] + ox + x * scale, box["y"] + oy + y * scale

    samples: dict[str, list[float]] = {"baseline": [], "select": [], "move": [], "draw": []}
    for run in range(runs):
        i = (41 * run + 7) % count  # a different box each run
        cx, cy = (i % 40) * 16 + 8, (i // 40) * 14 + 7
        samples["baseline"].append(timed(page, [("mousemove", *at(5, 470))]))
        samples["select"].append(
            timed(page, [("mousedown", *at(cx, cy)), ("mouseup", *at(cx, cy))], "data-selected")
        )
        samples["move"].append(
            timed(
                page,
                [
                    ("mousedown", *at(cx, cy)),
                    ("mousemove", *at(cx + 2, cy + 1)),
                    ("mousemove", *at(cx + 4, cy + 2)),
                    ("mouseup", *at(cx + 4, cy + 2)),
                ],
                "data-selected-box",
            )
        )
        x, y = 20 + (run % 20) * 30, 380 + (run // 20 % 2) * 48  # in the free bottom strip
        samples["draw"].append(
            timed(
                page,
                [
                    ("mousedown", *at(x, y)),
                    ("mousemove", *at(x + 10, y + 20)),
                    ("mousemove", *at(x + 20, y + 40)),
                    ("mouseup", *at(x + 20, y + 40)),
                ],
                "data-boxes",
            )
        )
        page.keyboard.press("Escape")
        page.wait_for_timeout(100)
    boxes = page.locator(".editor-side h3").nth(1).inner_text()
    print(f"  after the runs the editor shows {boxes}", flush=True)
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--boxes", type=int, default=1000)
    parser.add_argument(
        "--only",
        choices=["gallery", "boxes"],
        help="run one part: the gallery (builds the big dataset) or the box tool (seconds)",
    )
    args = parser.parse_args(argv)
    gallery_part = args.only in (None, "gallery")
    boxes_part = args.only in (None, "boxes")
    if not (STATIC_DIR / "index.html").is_file():
        sys.exit("the console is not built: run `make web` first")
    with temp_dir("cl-bench-console-") as data_dir, bench_context(data_dir) as ctx:
        if gallery_part:
            print(f"building {args.entries:,} entries (SQLite)…", flush=True)
            build_dataset(ctx, args.entries)
            give_assets_pixels(ctx)
        entry_id = image_with_boxes(ctx, args.boxes) if boxes_part else 0
        base, server = serve(ctx, data_dir)
        gallery = f"{base}/projects/{PROJECT}/datasets/train"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.add_init_script(LONG_TASKS)
            page = context.new_page()
            if gallery_part:
                cold = first_thumbnails(page, gallery)
                warm = [first_thumbnails(page, gallery) for _ in range(args.runs)]
                seconds, long_tasks, tiles = scroll_rows(page, args.rows)
            if boxes_part:
                boxes = box_tool(
                    page,
                    f"{base}/projects/{BOXES_PROJECT}/datasets/train?entry={entry_id}",
                    args.runs,
                    args.boxes,
                )
            browser.close()
        server.should_exit = True

    if gallery_part:
        print(f"\ngallery on {args.entries:,} entries (Chromium, 1400x900, 180 px tiles)")
        print_table(
            ["measure", "value", "target"],
            [
                ["first thumbnails, cold cache (s)", f"{cold:.3f}", "<= 1"],
                ["first thumbnails, reload p50 (s)", f"{percentile(warm, 50):.3f}", "<= 1"],
                ["first thumbnails, reload p95 (s)", f"{percentile(warm, 95):.3f}", "<= 1"],
                [f"scroll {args.rows:,} rows (s)", f"{seconds:.1f}", ""],
                ["  long tasks > 100 ms", str(sum(1 for d in long_tasks if d > 100)), "0"],
                ["  long tasks > 50 ms", str(len(long_tasks)), ""],
                ["  longest task (ms)", f"{max(long_tasks, default=0):.0f}", "<= 100"],
                ["  tiles in the DOM at the end", str(tiles), ""],
            ],
        )
    if boxes_part:
        print(
            f"box tool, one image with {args.boxes:,} boxes (ms, from in-page events until shown)"
        )
        print_table(
            ["action", "p50", "p95", "max", "target"],
            [
                [
                    name,
                    f"{percentile(v, 50):.1f}",
                    f"{percentile(v, 95):.1f}",
                    f"{max(v):.1f}",
                    "" if name == "baseline" else "< 50",
                ]
                for name, v in boxes.items()
            ],
        )


if __name__ == "__main__":
    main()
