"""A route that changes several things changes all of them or, when refused, none.

Each test sends a request whose first part is fine and whose last part is not, then reads
the state back: nothing of the first part may be left. They run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from customlabels.app import create_app
from customlabels.errors import InvalidInput
from customlabels.jobs.queue import JobQueue, open_queue
from customlabels.services import labels, projects, uploads
from customlabels.services.context import Context

DATASET = "/projects/pets/datasets/train"
ENTRIES = DATASET + "/entries"


def _jpeg(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 90, 160)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def pets(ctx: Context) -> Context:
    """Project ``pets``: TRAIN holds cat/a.jpg and dog/b.jpg (40x30), labelled by folder."""
    projects.create_project(ctx, "pets")
    files = [
        uploads.UploadedFile("cat/a.jpg", _jpeg(10)),
        uploads.UploadedFile("dog/b.jpg", _jpeg(200)),
    ]
    uploads.upload_files(ctx, "pets", "train", files, folder_labels=True)
    return ctx


def _client(ctx: Context, queue: JobQueue) -> TestClient:
    return TestClient(create_app(ctx, queue), base_url="http://testserver/api/v1")


@pytest.fixture
def client(pets: Context) -> Iterator[TestClient]:
    with _client(pets, open_queue(None, pets.settings.data_dir)) as client:
        yield client


def _entries(client: TestClient) -> dict[str, dict[str, Any]]:
    items = client.get(ENTRIES).json()["items"]
    return {e["source_ref"].rsplit("/", 2)[-2]: e for e in items}


def _labels(client: TestClient) -> dict[str, str]:
    return {x["name"]: x["color"] for x in client.get("/projects/pets/labels").json()}


def test_renaming_a_label_with_a_bad_colour_leaves_its_name_and_colour(
    client: TestClient,
) -> None:
    before = _labels(client)
    answer = client.patch("/projects/pets/labels/cat", json={"name": "kitten", "color": "red"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "InvalidParameter"
    assert _labels(client) == before
    assert client.get("/projects/pets/labels/cat/usage").json()["image_labels"] == 1


def test_renaming_and_recolouring_a_label_in_one_request_does_both(client: TestClient) -> None:
    answer = client.patch("/projects/pets/labels/cat", json={"name": "kitten", "color": "#A0B0C0"})
    assert answer.status_code == 200
    assert answer.json() == {"name": "kitten", "color": "#a0b0c0"}
    assert _labels(client)["kitten"] == "#a0b0c0" and "cat" not in _labels(client)


def test_the_service_renames_and_recolours_together_or_not_at_all(pets: Context) -> None:
    with pytest.raises(InvalidInput, match="#rrggbb"):
        labels.update_label(pets, "pets", "cat", new_name="kitten", color="#12")
    assert [x.name for x in labels.list_labels(pets, "pets")] == ["cat", "dog"]
