"""POST /storage/reclaim: the images of a deleted project go, and a dry run only counts."""

from __future__ import annotations

import io

import httpx
from PIL import Image


def _jpeg(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "JPEG")
    return out.getvalue()


def test_reclaim_counts_then_removes_the_images_of_a_deleted_project(api: httpx.Client) -> None:
    assert api.post("/projects", json={"name": "short-lived"}).status_code == 201
    files = [("files", (f"{n}.jpg", _jpeg((n, 99, 200)), "image/jpeg")) for n in range(3)]
    sent = api.post("/projects/short-lived/datasets/train/uploads", files=files)
    assert sent.status_code == 200, sent.text
    [entry] = api.get("/projects/short-lived/datasets/train/entries?limit=1").json()["items"]
    original = f"/projects/short-lived/datasets/train/entries/{entry['id']}/image"
    assert api.get(original).status_code == 200
    assert api.delete("/projects/short-lived").status_code == 204

    dry = api.post("/storage/reclaim", json={"dry_run": True})
    assert dry.status_code == 200, dry.text
    assert dry.json()["unused_images"] >= 3 and dry.json()["dry_run"] is True

    done = api.post("/storage/reclaim", json={}).json()
    assert done["unused_images"] == dry.json()["unused_images"]
    assert done["bytes"] == dry.json()["bytes"] and done["dry_run"] is False
    assert api.post("/storage/reclaim", json={}).json()["unused_images"] == 0
