"""What a manifest import tells the user: their own line and image, never a folder of ours,
and a dataset whose every line failed says so instead of looking ready."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image


@pytest.fixture
def project(api: httpx.Client) -> str:
    name = f"messages-{uuid.uuid4().hex[:8]}"
    assert api.post("/projects", json={"name": name}).status_code == 201
    return name


def _png(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (20, 130, 30)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def _line(ref: str, label: str = "shoe") -> str:
    return json.dumps(
        {
            "source-ref": ref,
            "class": 0,
            "class-metadata": {"class-name": label, "type": "groundtruth/image-classification"},
        }
    )


def _messages(api: httpx.Client, project: str) -> list[str]:
    page = api.get(f"/projects/{project}/datasets/train/entries", params={"has_errors": True})
    assert page.status_code == 200, page.text
    return [i["message"] for e in page.json()["items"] for i in e["issues"]]


def _send(
    api: httpx.Client,
    wait_job: Callable[[httpx.Client, int], dict[str, Any]],
    project: str,
    body: dict[str, Any],
) -> dict[str, Any]:
    if api.get(f"/projects/{project}/datasets/train").status_code == 404:
        assert api.post(f"/projects/{project}/datasets/train", json={}).status_code == 201
    job = api.post(f"/projects/{project}/datasets/train/updates", json=body)
    assert job.status_code == 202, job.text
    wait_job(api, job.json()["id"])
    dataset = api.get(f"/projects/{project}/datasets/train").json()
    assert isinstance(dataset, dict)
    return dataset


def test_a_bad_json_line_is_named_by_its_line_and_column_in_the_manifest(
    api: httpx.Client, wait_job: Callable[[httpx.Client, int], dict[str, Any]], project: str
) -> None:
    lines = [""] * 14 + ['{"source-ref": oops}']
    _send(api, wait_job, project, {"lines": lines})
    (message,) = _messages(api, project)
    assert "manifest line 15: not valid JSON (column 16: unexpected character" in message
    assert "line 2 column" not in message and "line 1 column" not in message


def test_an_image_missing_from_the_given_folder_names_the_line_and_image_not_the_folder(
    api: httpx.Client,
    wait_job: Callable[[httpx.Client, int], dict[str, Any]],
    project: str,
    tmp_path: Path,
) -> None:
    _png(tmp_path / "photos" / "here.png")
    lines = [_line("photos/here.png"), _line("photos/gone.png")]
    dataset = _send(api, wait_job, project, {"lines": lines, "root": str(tmp_path)})
    (message,) = _messages(api, project)
    assert "manifest line 2: image photos/gone.png not found in the image folder you gave" in (
        message
    )
    assert str(tmp_path) not in message
    assert dataset["status"] == "UPDATE_COMPLETE"  # one line was usable


def test_lines_sent_without_an_image_folder_never_name_a_folder_of_the_server(
    api: httpx.Client, wait_job: Callable[[httpx.Client, int], dict[str, Any]], project: str
) -> None:
    dataset = _send(api, wait_job, project, {"lines": [_line("photos/a.jpg")]})
    (message,) = _messages(api, project)
    assert message.endswith(
        "manifest line 1: image photos/a.jpg is not in the dataset, and no image folder was "
        "given to find it in"
    )
    assert "changes" not in message and "/" + "tmp" not in message
    # Every line failed: the dataset is not "ready", and its status says why.
    assert dataset["status"] == "UPDATE_FAILED"
    assert dataset["status_message_code"] == "CLIENT_ERROR"
    assert "photos/a.jpg" in dataset["status_message"]


def test_a_dataset_created_from_a_manifest_whose_every_line_fails_is_create_failed(
    api: httpx.Client,
    wait_job: Callable[[httpx.Client, int], dict[str, Any]],
    project: str,
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "train.manifest"
    manifest.write_text(_line("photos/a.jpg") + "\n" + _line("photos/b.jpg") + "\n")
    created = api.post(
        f"/projects/{project}/datasets/train",
        json={"source": {"kind": "manifest", "path": str(manifest)}},
    )
    assert created.status_code == 202, created.text
    wait_job(api, created.json()["id"])
    dataset = api.get(f"/projects/{project}/datasets/train").json()
    assert dataset["status"] == "CREATE_FAILED"
    assert "Every one of the 2 entries" in dataset["status_message"]
    # The retry into the same dataset is accepted (no "already has a TRAIN dataset").
    _png(tmp_path / "photos" / "a.jpg")
    _png(tmp_path / "photos" / "b.jpg")
    again = api.post(
        f"/projects/{project}/datasets/train",
        json={"source": {"kind": "manifest", "path": str(manifest)}},
    )
    assert again.status_code == 202, again.text
    wait_job(api, again.json()["id"])
    assert api.get(f"/projects/{project}/datasets/train").json()["status"] == "CREATE_COMPLETE"
