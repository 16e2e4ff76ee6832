"""The entry routes on SQLite and on PostgreSQL (in-process client over the ``ctx`` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from customlabels.app import create_app
from customlabels.jobs.queue import open_queue
from customlabels.services.context import Context

PHOTOS = ["canvasshoes/8.jpg", "canvasshoes/9.jpg", "chunkysneakers/8.jpg"]


@pytest.fixture
def client(ctx: Context, shared_datasets: Path) -> Iterator[TestClient]:
    app = create_app(ctx, open_queue(None, ctx.settings.data_dir))
    with TestClient(app, base_url="http://testserver/api/v1") as client:
        assert client.post("/projects", json={"name": "both"}).status_code == 201
        root = shared_datasets / "shoes" / "train"
        sent = client.post(
            "/projects/both/datasets/train/uploads",
            files=[("files", (p, (root / p).read_bytes(), "image/jpeg")) for p in PHOTOS],
            data={"paths": PHOTOS, "folder_labels": "true"},
        )
        assert sent.status_code == 200, sent.text
        yield client


ENTRIES = "/projects/both/datasets/train/entries"


def test_pages_of_two_cover_every_entry_once(client: TestClient) -> None:
    seen: list[int] = []
    token = None
    while True:
        page = client.get(ENTRIES, params={"limit": 2, **({"next_token": token} if token else {})})
        seen += [e["id"] for e in page.json()["items"]]
        token = page.json()["next_token"]
        if token is None:
            break
    assert len(seen) == len(set(seen)) == 3


def test_stale_version_is_a_conflict_and_the_first_write_stays(client: TestClient) -> None:
    [entry] = client.get(ENTRIES, params={"contains_label": "chunkysneakers"}).json()["items"]
    box = {"label": "toe", "left": 1, "top": 1, "width": 5, "height": 5}
    first = client.patch(
        f"{ENTRIES}/{entry['id']}", json={"version": entry["version"], "add_boxes": [box]}
    )
    assert first.status_code == 200
    second = client.put(
        f"{ENTRIES}/{entry['id']}/boxes", json={"version": entry["version"], "boxes": []}
    )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "VersionConflict"
    assert len(client.get(f"{ENTRIES}/{entry['id']}").json()["boxes"]) == 1


def test_bulk_labels_by_filter(client: TestClient) -> None:
    done = client.post(
        f"{ENTRIES}/bulk-labels",
        json={"add": ["shoe"], "filter": {"contains_labels": ["canvasshoes"]}},
    )
    assert done.json() == {"count": 2}
    labelled = client.get(ENTRIES, params={"contains_label": "shoe"}).json()["items"]
    assert sorted(e["source_ref"] for e in labelled) == [
        "upload://canvasshoes/8.jpg",
        "upload://canvasshoes/9.jpg",
    ]
