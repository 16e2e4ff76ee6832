"""Upload requests are read within their limits as they arrive, and decoding within its
budget: nothing of a refused request is written, and a bomb leaves the server's memory flat."""

from __future__ import annotations

import io
import random

import httpx
import pytest
from PIL import Image
from tests.imaging.builders import blank_png

from .conftest import Served


def _png(side: int = 32) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _project(api: httpx.Client, name: str) -> str:
    assert api.post("/projects", json={"name": name}).status_code == 201
    return f"/projects/{name}/datasets/train"


def _files(*named: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "image/png")) for name, data in named]


def test_more_files_than_max_upload_files_are_refused_and_nothing_is_written(
    api: httpx.Client, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = _project(api, "too-many-files")
    monkeypatch.setattr(served.ctx.settings, "max_upload_files", 2)
    sent = api.post(
        dataset + "/uploads", files=_files(("a.png", _png()), ("b.png", _png()), ("c.png", _png()))
    )
    assert sent.status_code == 413, sent.text
    error = sent.json()["error"]
    assert error["code"] == "PayloadTooLarge"
    assert "at most 2 files (max_upload_files)" in error["message"]
    assert error["details"] == {"limit": "max_upload_files", "value": 2}
    assert api.get(dataset).status_code == 404  # no dataset, no job, no entry
    ok = api.post(dataset + "/uploads", files=_files(("a.png", _png()), ("b.png", _png())))
    assert ok.status_code == 200, ok.text


def test_a_request_over_max_upload_bytes_is_refused_and_nothing_is_written(
    api: httpx.Client, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = _project(api, "too-many-bytes")
    monkeypatch.setattr(served.ctx.settings, "max_upload_bytes", 50_000)
    noise = Image.frombytes("L", (200, 200), random.Random(7).randbytes(200 * 200))
    out = io.BytesIO()
    noise.save(out, "PNG")
    files = _files(*((f"{i}.png", out.getvalue()) for i in range(3)))
    sent = api.post(dataset + "/uploads", files=files)
    assert sent.status_code == 413, sent.text
    assert "at most 50,000 bytes (max_upload_bytes)" in sent.json()["error"]["message"]
    assert api.get(dataset).status_code == 404


def test_a_body_longer_than_announced_is_refused_as_it_passes_the_limit(
    api: httpx.Client, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No Content-Length (a chunked body): the bytes are counted as they arrive.
    dataset = _project(api, "chunked-upload")
    monkeypatch.setattr(served.ctx.settings, "max_upload_bytes", 20_000)
    request = api.build_request("POST", dataset + "/uploads", files=_files(("a.png", _png())))
    body = request.read()
    padding = b"--" + b"p" * 30_000

    def chunks():
        yield body[: len(body) // 2]
        yield padding
        yield body[len(body) // 2 :]

    sent = api.post(
        dataset + "/uploads",
        content=chunks(),
        headers={"content-type": request.headers["content-type"]},
    )
    assert sent.status_code == 413, sent.text
    assert "sent more than 20,000" in sent.json()["error"]["message"]


def test_a_file_over_max_image_bytes_is_dropped_as_it_arrives_and_kept_as_an_error_entry(
    api: httpx.Client, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = _project(api, "file-too-big")
    small = _png()
    big = _png(600) + b"\0" * 200_000  # trailing bytes after IEND still count
    monkeypatch.setattr(served.ctx.settings, "max_image_bytes", 100_000)
    sent = api.post(dataset + "/uploads", files=_files(("big.png", big), ("small.png", small)))
    assert sent.status_code == 200, sent.text
    entries = {e["source_ref"]: e for e in api.get(dataset + "/entries").json()["items"]}
    assert entries["upload://small.png"]["has_errors"] is False
    issues = entries["upload://big.png"]["issues"]
    assert len(issues) == 1, issues
    [issue] = issues
    assert issue["code"] == "ERROR_INVALID_IMAGE"
    assert issue["message"] == (
        f"file of {len(big):,} bytes exceeds the limit of 100,000 bytes (max_image_bytes)"
    )


def _peak_rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def test_a_small_png_that_decodes_to_708_mb_is_refused_while_memory_stays_flat(
    api: httpx.Client,
) -> None:
    # The server runs in this process (tests/app_server.py), so its peak is ours: reset the
    # peak (writing 5 to clear_refs) and compare after. Before the decode budget, this
    # upload took the server from 170 MB to 4.6 GB.
    dataset = _project(api, "rgba-bomb")
    bomb = blank_png(13_300, 13_300, "RGBA")
    assert len(bomb) < 1_000_000
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    before = _rss_kib()
    sent = api.post(dataset + "/uploads", files=_files(("bomb.png", bomb)))
    grown_mib = (_peak_rss_kib() - before) / 1024
    assert sent.status_code == 200, sent.text
    [entry] = api.get(dataset + "/entries").json()["items"]
    [issue] = entry["issues"]
    assert issue["code"] == "ERROR_INVALID_IMAGE_DIMENSION"
    assert "13300×13300 pixels in mode RGBA needs 707,560,000 bytes" in issue["message"]
    assert grown_mib < 200, f"peak memory grew by {grown_mib:.0f} MiB"
