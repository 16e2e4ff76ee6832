"""Multipart uploads: many files per request, relative paths giving folder labels."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import httpx
from PIL import Image


def _files(root: Path, paths: list[str]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.rsplit("/", 1)[-1], (root / p).read_bytes(), "image/jpeg")) for p in paths]


def test_upload_with_relative_paths_labels_by_first_folder(
    api: httpx.Client, shared_datasets: Path
) -> None:
    root = shared_datasets / "shoes" / "train"
    assert api.post("/projects", json={"name": "uploads"}).status_code == 201
    paths = ["canvasshoes/3.jpg", "chunkysneakers/3.jpg", "chunkysneakers/4.jpg"]
    sent = api.post(
        "/projects/uploads/datasets/train/uploads",
        files=_files(root, paths),
        data={"paths": paths, "folder_labels": "true"},
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["job"]["status"] == "SUCCEEDED"
    assert sent.json()["job"]["done"] == 3
    # A second request adds to the same dataset; a file too deep is skipped, a loose one
    # gets no label, a broken one is kept with its error.
    more = api.post(
        "/projects/uploads/datasets/train/uploads",
        files=[
            *_files(root, ["canvasshoes/4.jpg", "canvasshoes/5.jpg", "canvasshoes/6.jpg"]),
            ("files", ("broken.jpg", b"not an image", "image/jpeg")),
        ],
        data={
            "paths": ["canvasshoes/4.jpg", "loose.jpg", "a/b/deep.jpg", "canvasshoes/broken.jpg"],
            "folder_labels": "true",
        },
    )
    assert more.status_code == 200, more.text
    assert [s["path"] for s in more.json()["skipped"]] == ["a/b/deep.jpg"]
    entries = api.get("/projects/uploads/datasets/train/entries").json()["items"]
    by_ref = {e["source_ref"]: e for e in entries}
    assert len(entries) == 6
    assert by_ref["upload://canvasshoes/3.jpg"]["labels"] == ["canvasshoes"]
    assert by_ref["upload://chunkysneakers/4.jpg"]["labels"] == ["chunkysneakers"]
    assert by_ref["upload://loose.jpg"]["labels"] == []
    assert by_ref["upload://canvasshoes/broken.jpg"]["has_errors"] is True
    stats = api.get("/projects/uploads/datasets/train").json()["stats"]
    assert stats == {
        "labeled_entries": 5,
        "total_entries": 6,
        "total_labels": 2,
        "error_entries": 1,
    }


def test_upload_paths_escaping_the_dataset_are_refused(
    api: httpx.Client, shared_datasets: Path
) -> None:
    assert api.post("/projects", json={"name": "escapes"}).status_code == 201
    refused = api.post(
        "/projects/escapes/datasets/train/uploads",
        files=_files(shared_datasets / "shoes" / "train", ["canvasshoes/3.jpg"]),
        data={"paths": ["../outside.jpg"]},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "InvalidParameter"


def test_upload_with_fewer_paths_than_files_is_refused(
    api: httpx.Client, shared_datasets: Path
) -> None:
    assert api.post("/projects", json={"name": "mismatch"}).status_code == 201
    refused = api.post(
        "/projects/mismatch/datasets/train/uploads",
        files=_files(
            shared_datasets / "shoes" / "train", ["canvasshoes/3.jpg", "canvasshoes/4.jpg"]
        ),
        data={"paths": ["a/3.jpg"]},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "InvalidParameter"


def test_rotated_upload_is_upright_and_its_bytes_are_kept(api: httpx.Client) -> None:
    """EXIF orientation 6: stored width/height are the upright ones, bytes are unchanged."""
    raw = Image.new("RGB", (120, 80), "red")
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    raw.save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    assert api.post("/projects", json={"name": "rotated"}).status_code == 201
    sent = api.post(
        "/projects/rotated/datasets/train/uploads",
        files=[("files", ("turned.jpg", data, "image/jpeg"))],
    )
    assert sent.status_code == 200, sent.text
    path = "/projects/rotated/datasets/train/entries"
    [entry] = api.get(path).json()["items"]
    asset = entry["asset"]
    assert (asset["width"], asset["height"]) == (80, 120)
    assert (asset["raw_width"], asset["raw_height"]) == (120, 80)
    assert asset["orientation"] == 6
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()
    assert api.get(f"{path}/{entry['id']}/image").content == data
    thumb = api.get(f"{path}/{entry['id']}/thumbnail").content
    with Image.open(io.BytesIO(thumb)) as img:
        assert img.width < img.height  # the thumbnail is upright too


def test_an_upload_of_nothing_but_broken_files_leaves_the_dataset_failed_saying_why(
    api: httpx.Client,
) -> None:
    """Every file broken gives the user nothing to train on: not "successfully created"."""
    assert api.post("/projects", json={"name": "broken"}).status_code == 201
    sent = api.post(
        "/projects/broken/datasets/train/uploads",
        files=[
            ("files", ("a.jpg", b"not an image", "image/jpeg")),
            ("files", ("b.jpg", b"nor this", "image/jpeg")),
        ],
    )
    assert sent.status_code == 200, sent.text
    dataset = api.get("/projects/broken/datasets/train").json()
    assert dataset["status"] == "CREATE_FAILED", dataset
    assert "Every one of the 2 entries imported has an error" in dataset["status_message"]
    # A good file uploaded next makes the dataset usable, and it says so.
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(buffer, "JPEG")
    again = api.post(
        "/projects/broken/datasets/train/uploads",
        files=[("files", ("good.jpg", buffer.getvalue(), "image/jpeg"))],
    )
    assert again.status_code == 200, again.text
    dataset = api.get("/projects/broken/datasets/train").json()
    assert dataset["status"] == "CREATE_COMPLETE", dataset
    assert dataset["stats"]["total_entries"] == 3
