"""Entries over HTTP: cursor pages, filters, metadata, versioned edits, boxes, bulk labels."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import httpx
import pytest
from PIL import Image


def _all_pages(api: httpx.Client, path: str, **params: object) -> list[dict]:
    found: list[dict] = []
    token = None
    while True:
        query = {**params, **({"next_token": token} if token else {})}
        page = api.get(path, params=query)
        assert page.status_code == 200, page.text
        body = page.json()
        found += body["items"]
        token = body["next_token"]
        if token is None:
            return found


def test_pages_with_next_token_cover_every_entry_once(api: httpx.Client, shoes: str) -> None:
    path = f"/projects/{shoes}/datasets/train/entries"
    first = api.get(path, params={"limit": 7}).json()
    assert len(first["items"]) == 7 and first["next_token"]
    paged = _all_pages(api, path, limit=7)
    ids = [e["id"] for e in paged]
    assert len(ids) == len(set(ids)) == 50
    assert ids == sorted(ids)
    backwards = _all_pages(api, path, limit=9, order="desc")
    assert [e["id"] for e in backwards] == ids[::-1]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"contains_label": "canvasshoes"}, 25),
        ({"contains_label": ["canvasshoes", "chunkysneakers"]}, 50),
        ({"labeled": "true"}, 50),
        ({"labeled": "false"}, 0),
        ({"source_ref_contains": "chunkysneakers/1"}, 11),
        ({"has_errors": "true"}, 0),
        ({"has_boxes": "true"}, 0),
    ],
)
def test_filters_select_the_matching_entries(
    api: httpx.Client, shoes: str, params: dict, expected: int
) -> None:
    found = _all_pages(api, f"/projects/{shoes}/datasets/train/entries", limit=10, **params)
    assert len(found) == expected
    if "source_ref_contains" in params:
        assert all("chunkysneakers/1" in e["source_ref"] for e in found)


def test_lines_are_ground_truth_json_lines(api: httpx.Client, shoes: str) -> None:
    body = api.get(f"/projects/{shoes}/datasets/train/entries/lines", params={"limit": 3}).json()
    assert len(body["DatasetEntries"]) == 3 and body["NextToken"]
    assert all('"is_labeled":true' in line for line in body["DatasetEntries"])


def test_entry_has_its_asset_metadata(api: httpx.Client, shoes: str, shared_datasets: Path) -> None:
    path = f"/projects/{shoes}/datasets/train/entries"
    [item] = api.get(path, params={"source_ref_contains": "canvasshoes/7.jpg"}).json()["items"]
    entry = api.get(f"{path}/{item['id']}").json()
    photo = shared_datasets / "shoes" / "train" / "canvasshoes" / "7.jpg"
    data = photo.read_bytes()
    with Image.open(photo) as img:
        size = img.size
    asset = entry["asset"]
    assert asset["format"] == "JPEG"
    assert (asset["width"], asset["height"]) == size
    assert asset["orientation"] == 1
    assert asset["bytes"] == len(data)
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["labels"] == ["canvasshoes"]
    assert entry["is_labeled"] is True


def _entries(api: httpx.Client, project: str) -> tuple[str, list[dict]]:
    path = f"/projects/{project}/datasets/train/entries"
    return path, api.get(path).json()["items"]


def test_patch_with_the_current_version_changes_labels_and_boxes(
    api: httpx.Client, small_project: str
) -> None:
    path, items = _entries(api, small_project)
    entry = items[0]
    changed = api.patch(
        f"{path}/{entry['id']}",
        json={
            "version": entry["version"],
            "add_labels": ["favourite"],
            "add_boxes": [{"label": "toe", "left": 1, "top": 2, "width": 30, "height": 40}],
        },
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["version"] > entry["version"]
    assert set(body["labels"]) == set(entry["labels"]) | {"favourite"}
    [box] = body["boxes"]
    assert (box["label"], box["left"], box["top"], box["width"], box["height"]) == (
        "toe",
        1,
        2,
        30,
        40,
    )
    assert api.get(f"{path}/{entry['id']}").json() == body


def test_patch_with_a_stale_version_is_409_and_loses_nothing(
    api: httpx.Client, small_project: str
) -> None:
    path, items = _entries(api, small_project)
    entry = items[1]
    first = api.patch(
        f"{path}/{entry['id']}", json={"version": entry["version"], "add_labels": ["mine"]}
    )
    assert first.status_code == 200
    stale = api.patch(
        f"{path}/{entry['id']}", json={"version": entry["version"], "add_labels": ["theirs"]}
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "VersionConflict"
    assert error["details"]["current_version"] == first.json()["version"]
    now = api.get(f"{path}/{entry['id']}").json()
    assert "mine" in now["labels"] and "theirs" not in now["labels"]
    assert now["version"] == first.json()["version"]


def test_put_boxes_replaces_every_box(api: httpx.Client, small_project: str) -> None:
    path, items = _entries(api, small_project)
    entry = items[2]
    box = {"label": "heel", "left": 0, "top": 0, "width": 10, "height": 10}
    once = api.patch(
        f"{path}/{entry['id']}", json={"version": entry["version"], "add_boxes": [box, box]}
    ).json()
    assert len(once["boxes"]) == 2
    new = [
        {"label": "lace", "left": 5, "top": 6, "width": 7, "height": 8},
        {"label": "sole", "left": 10, "top": 20, "width": 30, "height": 5},
    ]
    replaced = api.put(
        f"{path}/{entry['id']}/boxes", json={"version": once["version"], "boxes": new}
    )
    assert replaced.status_code == 200, replaced.text
    assert sorted(b["label"] for b in replaced.json()["boxes"]) == ["lace", "sole"]
    stale = api.put(f"{path}/{entry['id']}/boxes", json={"version": once["version"], "boxes": []})
    assert stale.status_code == 409
    outside = api.put(
        f"{path}/{entry['id']}/boxes",
        json={
            "version": replaced.json()["version"],
            "boxes": [{"label": "x", "left": 0, "top": 0, "width": 99999, "height": 1}],
        },
    )
    assert outside.status_code == 400
    assert outside.json()["error"]["code"] == "InvalidParameter"
    labels = {
        x["name"]: x for x in api.get(f"/projects/{small_project}/datasets/train/labels").json()
    }
    assert (
        labels["lace"]["box_count"] == 1 and labels.get("heel", {"box_count": 0})["box_count"] == 0
    )


def test_bulk_labels_by_filter_changes_every_match_at_once(
    api: httpx.Client, small_project: str
) -> None:
    path = f"/projects/{small_project}/datasets/train/entries"
    changed = api.post(
        f"{path}/bulk-labels",
        json={
            "add": ["shoe"],
            "remove": ["canvasshoes"],
            "filter": {"contains_labels": ["canvasshoes"]},
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["count"] == 2
    shoe = api.get(path, params={"contains_label": "shoe"}).json()["items"]
    assert len(shoe) == 2
    assert all(e["labels"] == ["shoe"] for e in shoe)
    assert api.get(path, params={"contains_label": "canvasshoes"}).json()["items"] == []
    by_ids = api.post(
        f"{path}/bulk-labels",
        json={"add": ["all"], "ids": [e["id"] for e in _entries(api, small_project)[1]]},
    )
    assert by_ids.json()["count"] == 4
    nothing = api.post(f"{path}/bulk-labels", json={"add": ["x"]})
    assert nothing.status_code == 400


def test_thumbnail_is_a_jpeg_with_an_etag_and_304(api: httpx.Client, small_project: str) -> None:
    path, items = _entries(api, small_project)
    thumb = api.get(f"{path}/{items[0]['id']}/thumbnail")
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    etag = thumb.headers["etag"]
    assert thumb.content[:3] == b"\xff\xd8\xff"
    with Image.open(io.BytesIO(thumb.content)) as img:
        assert max(img.size) <= 256
    # Content-addressed: a browser keeps it and never asks again.
    assert etag == f'"t-{items[0]["asset"]["sha256"]}"'
    assert thumb.headers["cache-control"] == "private, max-age=31536000, immutable"
    again = api.get(f"{path}/{items[0]['id']}/thumbnail", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # Read in one query; what is missing still answers as the other entry routes do.
    other = api.get(f"{path}/{items[0]['id'] + 10**6}/thumbnail")
    assert other.status_code == 404 and other.json()["error"]["code"] == "EntryNotFound"
    test_set = api.get(f"{path.replace('/train/', '/test/')}/{items[0]['id']}/thumbnail")
    assert test_set.status_code == 404
    no_project = api.get(f"{path.replace(small_project, 'no-such-project')}/1/thumbnail")
    assert no_project.status_code == 404


def test_image_returns_the_original_bytes(
    api: httpx.Client, small_project: str, shared_datasets: Path
) -> None:
    path, items = _entries(api, small_project)
    for item in items:
        got = api.get(f"{path}/{item['id']}/image")
        assert got.status_code == 200
        assert got.headers["content-type"] == "image/jpeg"
        assert hashlib.sha256(got.content).hexdigest() == item["asset"]["sha256"]
    original = (shared_datasets / "shoes" / "train" / "canvasshoes" / "1.jpg").read_bytes()
    [first] = [i for i in items if i["source_ref"].endswith("canvasshoes/1.jpg")]
    assert api.get(f"{path}/{first['id']}/image").content == original


def test_delete_entries_by_ids(api: httpx.Client, small_project: str) -> None:
    path, items = _entries(api, small_project)
    gone = api.post(f"{path}/delete", json={"ids": [items[0]["id"]]})
    assert gone.json() == {"count": 1}
    assert len(_entries(api, small_project)[1]) == 3
