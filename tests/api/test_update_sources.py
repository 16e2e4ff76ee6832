"""Adding any import source to an existing dataset (POST .../updates with a source)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from PIL import Image


def _png(path: Path, colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), colour).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def test_a_folder_with_folder_labels_is_added_to_an_existing_dataset(
    api: httpx.Client, wait_job: Callable[[httpx.Client, int], dict[str, Any]], tmp_path: Path
) -> None:
    project = f"add-{uuid.uuid4().hex[:8]}"
    assert api.post("/projects", json={"name": project}).status_code == 201
    base = f"/projects/{project}/datasets/train"
    assert api.post(base, json={}).status_code == 201
    _png(tmp_path / "boot" / "1.png", (200, 10, 10))
    _png(tmp_path / "sandal" / "2.png", (10, 200, 10))
    job = api.post(
        base + "/updates",
        json={"source": {"kind": "folder", "path": str(tmp_path), "folder_labels": True}},
    )
    assert job.status_code == 202, job.text
    wait_job(api, job.json()["id"])
    dataset = api.get(base).json()
    assert dataset["status"] == "UPDATE_COMPLETE"
    assert dataset["stats"]["total_entries"] == 2
    assert dataset["stats"]["labeled_entries"] == 2


def test_an_update_naming_two_sources_is_refused(api: httpx.Client) -> None:
    project = f"add-{uuid.uuid4().hex[:8]}"
    assert api.post("/projects", json={"name": project}).status_code == 201
    base = f"/projects/{project}/datasets/train"
    assert api.post(base, json={}).status_code == 201
    both = {"lines": ["{}"], "source": {"kind": "s3", "uri": "s3://bucket/prefix/"}}
    response = api.post(base + "/updates", json=both)
    assert response.status_code == 400, response.text
    assert "give one of lines, path or source" in response.json()["error"]["message"]
