"""Projects over HTTP: create, list, describe, delete; and the label vocabulary."""

from __future__ import annotations

import httpx


def test_project_crud_round_trip(api: httpx.Client) -> None:
    created = api.post("/projects", json={"name": "crud-me"})
    assert created.status_code == 201
    assert created.json()["name"] == "crud-me"
    assert created.json()["datasets"] == []
    assert "crud-me" in [p["name"] for p in api.get("/projects").json()["items"]]
    assert api.get("/projects/crud-me").json()["name"] == "crud-me"
    assert api.delete("/projects/crud-me").status_code == 204
    assert api.get("/projects/crud-me").status_code == 404
    assert "crud-me" not in [p["name"] for p in api.get("/projects").json()["items"]]


def test_project_describe_lists_its_datasets(api: httpx.Client, shoes: str) -> None:
    [dataset] = api.get(f"/projects/{shoes}").json()["datasets"]
    assert dataset["dataset_type"] == "TRAIN"
    assert dataset["status"] == "CREATE_COMPLETE"
    assert dataset["status_message_code"] == "SUCCESS"


def test_labels_are_created_renamed_merged_and_deleted(
    api: httpx.Client, small_project: str
) -> None:
    base = f"/projects/{small_project}/labels"
    assert api.post(base, json={"name": "wide 👟", "color": "#102030"}).status_code == 201
    renamed = api.patch(f"{base}/canvasshoes", json={"name": "canvas"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "canvas"
    merged = api.post(f"{base}/canvas/merge", json={"into": "chunkysneakers"}).json()
    assert merged == {"name": "chunkysneakers", "image_labels": 4, "boxes": 0}
    names = {x["name"]: x["color"] for x in api.get(base).json()}
    assert set(names) == {"chunkysneakers", "wide 👟"}
    assert names["wide 👟"] == "#102030"
    removed = api.delete(f"{base}/chunkysneakers").json()
    assert removed["image_labels"] == 4
    stats = api.get(f"/projects/{small_project}/datasets/train").json()["stats"]
    assert stats["labeled_entries"] == 0 and stats["total_entries"] == 4
