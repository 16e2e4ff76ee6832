"""REST: jobs carry a title saying what the user did; labels keep an order the user sets."""

from __future__ import annotations

import httpx


def _project(api: httpx.Client, name: str) -> None:
    assert api.post("/projects", json={"name": name}).status_code == 201


def test_an_upload_session_job_is_titled_and_counts_towards_the_announced_files(
    api: httpx.Client,
) -> None:
    _project(api, "titled-upload")
    opened = api.post("/projects/titled-upload/datasets/train/upload-sessions", json={"files": 60})
    assert opened.status_code == 201, opened.text
    assert opened.json()["title"] == "Upload of 60 files to TRAIN"
    assert opened.json()["total"] == 60
    listed = api.get("/projects/titled-upload/jobs").json()
    assert [j["title"] for j in listed] == ["Upload of 60 files to TRAIN"]
    refused = api.post("/projects/titled-upload/datasets/test/upload-sessions", json={"files": -1})
    assert refused.status_code in (400, 422)
    # Finished, so the shared server holds no running job (reclaim waits for none).
    session = opened.json()["id"]
    finished = api.post(f"/projects/titled-upload/datasets/train/upload-sessions/{session}/finish")
    assert finished.status_code == 200, finished.text


def test_a_manifest_sent_with_the_create_is_one_create_job_named_after_the_file(
    api: httpx.Client, wait_job
) -> None:
    _project(api, "titled-manifest")
    created = api.post(
        "/projects/titled-manifest/datasets/train",
        json={"manifest": {"lines": [], "name": "train.manifest"}},
    )
    assert created.status_code == 202, created.text
    job = wait_job(api, created.json()["id"])
    assert job["kind"] == "dataset.create"
    assert job["title"] == "Create TRAIN from manifest train.manifest"
    dataset = api.get("/projects/titled-manifest/datasets/train").json()
    assert dataset["status"].startswith("CREATE_")


def test_labels_are_listed_in_creation_order_and_reordered_by_name(api: httpx.Client) -> None:
    _project(api, "ordered")
    for name in ("sandals", "canvasshoes", "brand"):
        assert api.post("/projects/ordered/labels", json={"name": name}).status_code == 201
    listed = [x["name"] for x in api.get("/projects/ordered/labels").json()]
    assert listed == ["sandals", "canvasshoes", "brand"]
    moved = api.put("/projects/ordered/labels/order", json={"names": ["brand", "sandals"]})
    assert moved.status_code == 200, moved.text
    assert [x["name"] for x in moved.json()] == ["brand", "sandals", "canvasshoes"]
    api.patch("/projects/ordered/labels/sandals", json={"name": "sandal"})
    in_dataset = api.get("/projects/ordered/labels").json()
    assert [x["name"] for x in in_dataset] == ["brand", "sandal", "canvasshoes"]
    unknown = api.put("/projects/ordered/labels/order", json={"names": ["nope"]})
    assert unknown.status_code == 400
    assert "'nope'" in unknown.json()["error"]["message"]
