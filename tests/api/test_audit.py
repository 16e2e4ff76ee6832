"""An entry's history over HTTP: the user of the request is the actor of its changes."""

from __future__ import annotations

import httpx


def test_the_history_of_an_entry_names_the_user_of_each_change(
    api: httpx.Client, small_project: str
) -> None:
    path = f"/projects/{small_project}/datasets/train/entries"
    entry = api.get(path).json()["items"][0]
    labelled = api.patch(
        f"{path}/{entry['id']}", json={"version": entry["version"], "add_labels": ["favourite"]}
    )
    assert labelled.status_code == 200, labelled.text
    box = {"label": "toe", "left": 1, "top": 2, "width": 30, "height": 40}
    boxed = api.put(
        f"{path}/{entry['id']}/boxes", json={"version": labelled.json()["version"], "boxes": [box]}
    )
    assert boxed.status_code == 200, boxed.text
    bulk = api.post(f"{path}/bulk-labels", json={"add": ["shoe"], "filter": {}})
    assert bulk.status_code == 200, bulk.text

    history = api.get(f"{path}/{entry['id']}/history")

    assert history.status_code == 200, history.text
    items = history.json()["items"]
    # The actor is set by an async dependency and read by sync routes in the threadpool.
    assert [(i["actor"], i["action"]) for i in items] == [
        ("admin", "entry.bulk_labels"),
        ("admin", "entry.boxes"),
        ("admin", "entry.labels"),
    ]
    assert items[0]["detail"]["added"] == {"shoe": 4}
    assert items[1]["detail"] == {"boxes_before": 0, "boxes_after": 1}
    assert items[2]["detail"]["added"] == ["favourite"]
    assert items[0]["at"] >= items[2]["at"]


def test_a_refused_edit_leaves_the_history_as_it_was(api: httpx.Client, small_project: str) -> None:
    path = f"/projects/{small_project}/datasets/train/entries"
    entry = api.get(path).json()["items"][0]
    stale = api.patch(
        f"{path}/{entry['id']}", json={"version": entry["version"] + 3, "add_labels": ["x"]}
    )
    assert stale.status_code == 409
    assert api.get(f"{path}/{entry['id']}/history").json() == {"items": []}
