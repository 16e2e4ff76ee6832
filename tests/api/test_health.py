"""GET /projects/{project}/health: the project page's dataset health over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx


def test_health_counts_labels_and_flags_a_label_with_one_image(
    api: httpx.Client, small_project: str, shared_datasets: Path
) -> None:
    photo = (shared_datasets / "shoes" / "train" / "canvasshoes" / "3.jpg").read_bytes()
    uploaded = api.post(
        f"/projects/{small_project}/datasets/train/uploads",
        files=[("files", ("3.jpg", photo, "image/jpeg"))],
        data={"paths": ["rare boots/3.jpg"], "folder_labels": "true"},
    )
    assert uploaded.status_code == 200, uploaded.text

    answer = api.get(f"/projects/{small_project}/health")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["task"], body["has_train"], body["has_test"]) == ("CLASSIFICATION", True, False)
    labels = {x["name"]: x for x in body["labels"]}
    assert {n: (x["train"]["images"], x["test"]["images"]) for n, x in labels.items()} == {
        "canvasshoes": (2, 0),
        "chunkysneakers": (2, 0),
        "rare boots": (1, 0),
    }
    assert labels["canvasshoes"]["flag"] is None
    flag = labels["rare boots"]["flag"]
    assert flag["code"] == "ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT"
    assert flag["blocks_training"] is True
    assert "'rare boots' has 1" in flag["message"]
    assert body["min_images_per_label"] == 2
    assert sum(b["train"] for b in body["image_sizes"]) == 5
    assert [(b["name"], b["train"]) for b in body["boxes_per_image"]][:2] == [("0", 5), ("1", 0)]


def test_health_of_an_unknown_project_is_a_404_naming_it(api: httpx.Client) -> None:
    answer = api.get("/projects/no-such-project/health")
    assert answer.status_code == 404
    assert "no-such-project" in answer.json()["error"]["message"]
