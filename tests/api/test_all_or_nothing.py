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
from huey import RedisHuey
from PIL import Image
from tests.accounts import key_headers

from customlabels.app import create_app
from customlabels.errors import InvalidInput
from customlabels.jobs.queue import JobQueue, open_queue
from customlabels.services import labels, projects
from customlabels.services.context import Context
from customlabels.services.imports import uploads

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
    return TestClient(
        create_app(ctx, queue), base_url="http://127.0.0.1/api/v1", headers=key_headers(ctx)
    )


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


def test_an_entry_edit_with_a_box_outside_the_image_adds_no_label_and_keeps_the_version(
    client: TestClient,
) -> None:
    entry = _entries(client)["cat"]
    answer = client.patch(
        f"{ENTRIES}/{entry['id']}",
        json={
            "version": entry["version"],
            "add_labels": ["tabby"],
            "remove_labels": ["cat"],
            "add_boxes": [{"label": "ear", "left": 30, "top": 0, "width": 20, "height": 5}],
        },
    )
    assert answer.status_code == 400
    after = client.get(f"{ENTRIES}/{entry['id']}").json()
    assert after["labels"] == ["cat"] and after["boxes"] == []
    assert after["version"] == entry["version"]
    assert set(_labels(client)) == {"cat", "dog"}


def test_an_entry_edit_naming_a_box_it_lacks_changes_nothing(client: TestClient) -> None:
    entry = _entries(client)["dog"]
    answer = client.patch(
        f"{ENTRIES}/{entry['id']}",
        json={"version": entry["version"], "add_labels": ["puppy"], "delete_box_ids": [987654]},
    )
    assert answer.status_code == 400
    after = client.get(f"{ENTRIES}/{entry['id']}").json()
    assert after["labels"] == ["dog"] and after["version"] == entry["version"]
    assert "puppy" not in _labels(client)


def test_bulk_labelling_with_one_bad_name_labels_nothing(client: TestClient) -> None:
    before = _entries(client)
    answer = client.post(
        ENTRIES + "/bulk-labels",
        json={"ids": [e["id"] for e in before.values()], "add": ["pet", "x" * 256]},
    )
    assert answer.status_code == 400
    after = _entries(client)
    assert {k: (e["labels"], e["version"]) for k, e in after.items()} == {
        k: (e["labels"], e["version"]) for k, e in before.items()
    }
    assert set(_labels(client)) == {"cat", "dog"}


def test_an_undo_with_one_malformed_run_is_refused_whole(client: TestClient) -> None:
    ids = sorted(e["id"] for e in _entries(client).values())
    answer = client.post(
        DATASET + "/bulk-changes/revert",
        json={"added": {"cat": [[ids[0], ids[0]]]}, "removed": {"bird": [[ids[1], ids[0]]]}},
    )
    assert answer.status_code == 400
    assert _entries(client)["cat"]["labels"] == ["cat"]
    assert "bird" not in _labels(client)


def test_a_dataset_whose_job_the_queue_refuses_is_marked_failed_and_can_be_deleted(
    pets: Context,
) -> None:
    # A real Redis queue whose server went away after start-up: nothing listens on port 9.
    gone = JobQueue({"default": RedisHuey("customlabels-gone", url="redis://127.0.0.1:9/0")})
    photos = pets.settings.resolved_import_roots[0] / "photos"  # the REST API may read it
    photos.mkdir(parents=True)
    with _client(pets, gone) as client:
        answer = client.post(
            "/projects/pets/datasets/test",
            json={"source": {"kind": "folder", "path": str(photos)}},
        )
        assert answer.status_code == 503
        assert answer.json()["error"]["code"] == "ServiceUnavailable"
        dataset = client.get("/projects/pets/datasets/test").json()
        assert dataset["status"] == "CREATE_FAILED"
        jobs = client.get("/projects/pets/jobs").json()
        assert [j["status"] for j in jobs if j["kind"] == "dataset.create"] == ["FAILED"]
        assert client.delete("/projects/pets").status_code == 204


def test_the_service_renames_and_recolours_together_or_not_at_all(pets: Context) -> None:
    with pytest.raises(InvalidInput, match="#rrggbb"):
        labels.update_label(pets, "pets", "cat", new_name="kitten", color="#12")
    assert [x.name for x in labels.list_labels(pets, "pets")] == ["cat", "dog"]
