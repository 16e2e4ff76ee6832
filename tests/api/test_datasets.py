"""Datasets over HTTP: creation from a folder as a job, stats, label stats, export."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from PIL import Image


def test_folder_import_is_a_job_that_succeeds_with_full_progress(
    api: httpx.Client, wait_job, shared_datasets: Path
) -> None:
    assert api.post("/projects", json={"name": "folder-job"}).status_code == 201
    created = api.post(
        "/projects/folder-job/datasets/test",
        json={
            "source": {
                "kind": "folder",
                "path": str(shared_datasets / "shoes" / "test"),
                "folder_labels": True,
            }
        },
    )
    assert created.status_code == 202
    job = created.json()
    assert job["status"] in ("QUEUED", "RUNNING", "SUCCEEDED")
    assert job["kind"] == "dataset.create"
    finished = wait_job(api, job["id"])
    assert finished["status"] == "SUCCEEDED", finished["message"]
    assert finished["total"] and finished["done"] == finished["total"]
    assert finished["error_count"] == 0
    described = api.get("/projects/folder-job/datasets/test").json()
    assert described["status"] == "CREATE_COMPLETE"
    assert described["stats"]["total_entries"] == described["stats"]["labeled_entries"] > 0
    assert described["stats"]["total_labels"] == 2


def _image(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 90, 90)).save(out, "PNG")
    path.write_bytes(out.getvalue())


def test_folder_labels_reach_any_depth_and_the_job_result_counts_the_skipped_files(
    api: httpx.Client, wait_job, tmp_path: Path
) -> None:
    root = tmp_path / "set"
    _image(root / "cat" / "deeper" / "b.png")
    _image(root / "top.png")
    (root / "cat" / "notes.txt").write_text("not an image")
    assert api.post("/projects", json={"name": "deep-folders"}).status_code == 201
    source = {"kind": "folder", "path": str(root), "folder_labels": True}
    created = api.post("/projects/deep-folders/datasets/train", json={"source": source})
    assert created.status_code == 202, created.text
    finished = wait_job(api, created.json()["id"])
    assert finished["status"] == "SUCCEEDED", finished["message"]
    assert finished["result"]["skipped_count"] == 1
    assert finished["result"]["skipped_by_reason"] == {"not_an_image": 1}
    assert finished["result"]["skipped_files"][0]["path"] == "cat/notes.txt"
    assert "1 file skipped (1 not an image)" in finished["message"]
    found = api.get("/projects/deep-folders/datasets/train/entries").json()["items"]
    assert sorted((e["source_ref"].rsplit("/set/", 1)[1], e["labels"]) for e in found) == [
        ("cat/deeper/b.png", ["cat"]),
        ("top.png", []),
    ]
    described = api.get("/projects/deep-folders/datasets/train").json()
    assert (described["source"]["label_level"], described["source"]["folder_depth"]) == (1, None)


def test_a_folder_depth_below_the_label_level_answers_400_naming_both(
    api: httpx.Client, tmp_path: Path
) -> None:
    _image(tmp_path / "set" / "a" / "b" / "c.png")
    assert api.post("/projects", json={"name": "bad-levels"}).status_code == 201
    source = {
        "kind": "folder",
        "path": str(tmp_path / "set"),
        "folder_labels": True,
        "label_level": 2,
        "folder_depth": 1,
    }
    refused = api.post("/projects/bad-levels/datasets/train", json={"source": source})
    assert refused.status_code == 400, refused.text
    assert "folder_depth=1 is less than label_level=2" in refused.json()["error"]["message"]


def test_empty_dataset_is_created_at_once(api: httpx.Client) -> None:
    assert api.post("/projects", json={"name": "empty-set"}).status_code == 201
    created = api.post("/projects/empty-set/datasets/train", json={})
    assert created.status_code == 201
    assert created.json()["stats"]["total_entries"] == 0
    again = api.post("/projects/empty-set/datasets/train", json={})
    assert again.status_code == 409
    assert again.json()["error"]["code"]


def test_dataset_labels_count_entries_per_label(api: httpx.Client, shoes: str) -> None:
    found = {x["name"]: x for x in api.get(f"/projects/{shoes}/datasets/train/labels").json()}
    assert found["canvasshoes"]["entry_count"] == 25
    assert found["chunkysneakers"]["entry_count"] == 25
    assert found["canvasshoes"]["box_count"] == 0


def test_export_is_a_job_writing_the_files(
    api: httpx.Client, wait_job, shoes: str, tmp_path: Path
) -> None:
    started = api.post(
        f"/projects/{shoes}/datasets/train/exports",
        json={"format": "coco", "out": str(tmp_path / "coco")},
    )
    assert started.status_code == 202
    finished = wait_job(api, started.json()["id"])
    assert finished["status"] == "SUCCEEDED", finished["message"]
    assert finished["result"]["entries_written"] == 50
    assert (tmp_path / "coco" / "hosted_service_report.json").exists()


def test_dataset_delete_removes_it(api: httpx.Client, small_project: str) -> None:
    path = f"/projects/{small_project}/datasets/train"
    assert api.delete(path).status_code == 204
    assert api.get(path).json()["error"]["code"] == "DatasetNotFound"
