"""Exports downloaded as a zip: streamed, a dataset elsewhere, and in flat memory."""

from __future__ import annotations

import io
import threading
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson
import pytest
from PIL import Image

from .conftest import Served

# Image-level labels survive every format but YOLO; boxes every format.
SOURCES = {
    "groundtruth": ("manifest", "output.manifest", True),
    "coco": ("coco", "annotations.json", True),
    "voc": ("voc", "", True),
    "yolo": ("yolo", "", False),
}


def _entries(api: httpx.Client, project: str) -> list[dict[str, Any]]:
    page = api.get(f"/projects/{project}/datasets/train/entries", params={"limit": 100})
    assert page.status_code == 200, page.text
    return page.json()["items"]


def _box_each_entry(api: httpx.Client, project: str) -> None:
    """A box of its own on every entry, so the entries can be told apart by their boxes."""
    for number, entry in enumerate(_entries(api, project)):
        box = {"label": "toe", "left": 10 + number, "top": 20, "width": 30 + number, "height": 40}
        changed = api.patch(
            f"/projects/{project}/datasets/train/entries/{entry['id']}",
            json={"version": entry["version"], "add_boxes": [box]},
        )
        assert changed.status_code == 200, changed.text


def _annotations(entries: list[dict[str, Any]], with_labels: bool) -> Counter[Any]:
    """Labels and boxes of each entry, as a multiset (YOLO's normalised numbers come back
    within a rounding error)."""
    return Counter(
        (
            tuple(sorted(e["labels"])) if with_labels else (),
            tuple(
                sorted(
                    (b["label"], *(round(b[k], 6) for k in ("left", "top", "width", "height")))
                    for b in e["boxes"]
                )
            ),
        )
        for e in entries
    )


def _download(api: httpx.Client, project: str, fmt: str, target: Path) -> httpx.Response:
    """Stream the zip to ``target``, never holding it whole."""
    url = f"/projects/{project}/datasets/train/export.zip"
    with api.stream("GET", url, params={"format": fmt}) as response:
        if response.status_code == 200:
            with target.open("wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
        else:
            response.read()
    return response


@pytest.mark.parametrize("fmt", list(SOURCES))
def test_a_zip_export_imports_again_with_the_same_labels_and_boxes(
    api: httpx.Client, small_project: str, tmp_path: Path, wait_job, fmt: str
) -> None:
    _box_each_entry(api, small_project)
    zipped = tmp_path / "export.zip"
    response = _download(api, small_project, fmt, zipped)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert f"-train-{fmt}.zip" in response.headers["content-disposition"]

    with zipfile.ZipFile(zipped) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert "hosted_service_report.json" in names
        assert len([n for n in names if n.lower().endswith((".jpg", ".png"))]) == 4
        archive.extractall(tmp_path / "unzipped")
    kind, path, with_labels = SOURCES[fmt]
    again = f"{small_project[:150]}-again"
    assert api.post("/projects", json={"name": again}).status_code == 201
    created = api.post(
        f"/projects/{again}/datasets/train",
        json={"source": {"kind": kind, "path": str(tmp_path / "unzipped" / path)}},
    )
    assert created.status_code == 202, created.text
    job = wait_job(api, created.json()["id"])
    assert job["status"] == "SUCCEEDED", job["message"]

    imported = _entries(api, again)
    assert not [e for e in imported if e["has_errors"]]
    assert _annotations(imported, with_labels) == _annotations(
        _entries(api, small_project), with_labels
    )


def test_a_groundtruth_zip_refers_to_its_images_relatively_and_says_the_hosted_service_cannot(
    api: httpx.Client, small_project: str, tmp_path: Path
) -> None:
    zipped = tmp_path / "gt.zip"
    assert _download(api, small_project, "groundtruth", zipped).status_code == 200
    with zipfile.ZipFile(zipped) as archive:
        lines = [orjson.loads(x) for x in archive.read("output.manifest").splitlines()]
        report = orjson.loads(archive.read("hosted_service_report.json"))
        for line in lines:
            assert line["source-ref"].startswith("images/")
            assert archive.getinfo(line["source-ref"]).file_size > 0
    rows = {row["source-ref"]: row for row in report["entries"]}
    assert set(rows) == {e["source_ref"] for e in _entries(api, small_project)}
    for row in rows.values():
        assert row["manifest-ref"].startswith("images/")
        assert "ERROR_INVALID_SOURCE_REF_FORMAT" in {i["code"] for i in row["issues"]}


def test_a_zip_of_an_unknown_format_or_dataset_is_refused_before_any_byte(
    api: httpx.Client, small_project: str, tmp_path: Path
) -> None:
    bad_format = _download(api, small_project, "tiff", tmp_path / "a.zip")
    assert bad_format.status_code == 400
    assert "groundtruth" in bad_format.json()["error"]["message"]
    missing = _download(api, "no-such-project-here", "coco", tmp_path / "b.zip")
    assert missing.status_code == 404


def _rss_bytes() -> int:
    """This process's resident memory now (the server runs in this process)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096


def _noise_pngs(count: int, side: int = 256) -> list[tuple[str, bytes]]:
    """``count`` distinct PNGs of noise, ~200 KB each (noise does not compress)."""
    base = np.random.default_rng(7).integers(0, 256, size=(side, side, 3), dtype=np.uint8)
    images = []
    for number in range(count):
        pixels = base.copy()
        pixels[0, :4, 0] = list(number.to_bytes(4, "big"))  # a content of its own
        out = io.BytesIO()
        Image.fromarray(pixels).save(out, "PNG", compress_level=1)
        images.append((f"n{number:03d}.png", out.getvalue()))
    return images


def test_streaming_a_zip_of_many_images_does_not_hold_them_in_memory(
    api: httpx.Client, served: Served, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "postgresql" in request.node.name:
        pytest.skip("memory does not depend on the database; once is enough")
    project = "zip-memory"
    assert api.post("/projects", json={"name": project}).status_code == 201
    images = _noise_pngs(300)
    total = sum(len(data) for _, data in images)
    assert total > 55_000_000
    for start in range(0, len(images), 50):
        batch = images[start : start + 50]
        uploaded = api.post(
            f"/projects/{project}/datasets/train/uploads",
            files=[("files", (name, data, "image/png")) for name, data in batch],
        )
        assert uploaded.status_code == 200, uploaded.text
    del images

    peak = 0
    stop = threading.Event()

    def watch() -> None:  # samples the whole process: the server's threads are in it
        nonlocal peak
        while not stop.wait(0.02):
            peak = max(peak, _rss_bytes())

    before = _rss_bytes()
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        zipped = tmp_path / "many.zip"
        assert _download(api, project, "groundtruth", zipped).status_code == 200
    finally:
        stop.set()
        watcher.join()
    with zipfile.ZipFile(zipped) as archive:
        assert len([n for n in archive.namelist() if n.startswith("images/")]) == 300
    assert zipped.stat().st_size > total
    growth = peak - before
    print(f"zip of {total:,} bytes of images: memory grew by {growth:,} bytes")
    assert growth < total / 4, f"memory grew by {growth:,} bytes sending {total:,}"
