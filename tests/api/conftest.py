"""The real app served by uvicorn on a loopback port, with the job queue's consumer running,
once over SQLite and once over PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.accounts import key_headers
from tests.app_server import serve_app
from tests.conftest import SHARED_DATASETS

from customlabels.config import Settings
from customlabels.services.context import Context, open_context


@dataclass
class Served:
    base_url: str
    ctx: Context
    headers: dict[str, str]  # an admin's API key


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """customlabels on http://127.0.0.1:<free port> with a local store and queue, over a
    SQLite file, then over a PostgreSQL database of its own: every API test runs on both.

    One server per database for the whole session (the tests make projects of their own
    names, so they need no emptied database), as starting one costs more than most tests.
    """
    data_dir = tmp_path_factory.mktemp(f"api-{request.param}")
    database_url = (
        request.getfixturevalue("new_postgres_database")()
        if request.param == "postgresql"
        else None
    )
    # The tests name files in their tmp folders and the shared photos: the REST API may read
    # and write server paths there only (tests/api/test_server_paths.py checks the rule).
    tmp_root = tmp_path_factory.getbasetemp()
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        import_roots=[tmp_root, SHARED_DATASETS],
        export_root=tmp_root,
    )
    ctx = open_context(settings)
    with serve_app(ctx) as base_url:
        yield Served(base_url, ctx, key_headers(ctx))
    ctx.close()


@pytest.fixture
def api(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=served.base_url + "/api/v1", timeout=30, headers=served.headers
    ) as client:
        yield client


def _wait_job(client: httpx.Client, job_id: int, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in ("SUCCEEDED", "FAILED"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.05)


@pytest.fixture(scope="session")
def wait_job() -> Callable[[httpx.Client, int], dict[str, Any]]:
    """``wait_job(client, job_id)`` polls GET /jobs/{id} until the job has finished."""
    return _wait_job


@pytest.fixture(scope="session")
def shoes(served: Served, shared_datasets: Path) -> str:
    """Project ``shoes`` whose TRAIN dataset is the 50 shoe photos, labelled by folder."""
    with httpx.Client(
        base_url=served.base_url + "/api/v1", timeout=30, headers=served.headers
    ) as client:
        assert client.post("/projects", json={"name": "shoes"}).status_code == 201
        created = client.post(
            "/projects/shoes/datasets/train",
            json={
                "source": {
                    "kind": "folder",
                    "path": str(shared_datasets / "shoes" / "train"),
                    "folder_labels": True,
                }
            },
        )
        assert created.status_code == 202, created.text
        assert _wait_job(client, created.json()["id"])["status"] == "SUCCEEDED"
    return "shoes"


PHOTOS = ["canvasshoes/1.jpg", "canvasshoes/2.jpg", "chunkysneakers/1.jpg", "chunkysneakers/2.jpg"]


@pytest.fixture
def small_project(api: httpx.Client, shared_datasets: Path, request: pytest.FixtureRequest) -> str:
    """A project of its own whose TRAIN dataset holds four uploaded photos, labelled."""
    name = request.node.name.replace("[", "-").replace("]", "")[:200]
    assert api.post("/projects", json={"name": name}).status_code == 201
    root = shared_datasets / "shoes" / "train"
    files = [
        ("files", (p.rsplit("/", 1)[-1], (root / p).read_bytes(), "image/jpeg")) for p in PHOTOS
    ]
    uploaded = api.post(
        f"/projects/{name}/datasets/train/uploads",
        files=files,
        data={"paths": PHOTOS, "folder_labels": "true"},
    )
    assert uploaded.status_code == 200, uploaded.text
    return name
