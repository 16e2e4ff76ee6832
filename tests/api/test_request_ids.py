"""Every answer carries a request id; an unexpected failure is a 500 naming it, and logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.accounts import key_headers

from customlabels.app import create_app
from customlabels.db.tables import Dataset
from customlabels.jobs.queue import open_queue
from customlabels.services import datasets, projects
from customlabels.services.context import Context


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    app = create_app(ctx, open_queue(None, ctx.settings.data_dir))
    # The app answers its own errors; the test client must not re-raise them instead.
    with TestClient(
        app,
        base_url="http://127.0.0.1/api/v1",
        raise_server_exceptions=False,
        headers=key_headers(ctx),
    ) as client:
        yield client


def test_every_answer_carries_a_fresh_request_id(client: TestClient) -> None:
    ok = client.get("/health")
    missing = client.get("/projects/nosuch")
    assert ok.status_code == 200 and missing.status_code == 404
    ids = {ok.headers["x-request-id"], missing.headers["x-request-id"]}
    assert len(ids) == 2 and all(len(i) >= 16 for i in ids)


def test_a_sane_request_id_from_the_client_is_kept(client: TestClient) -> None:
    answer = client.get("/health", headers={"X-Request-Id": "lb-7f3a.42:1"})
    assert answer.headers["x-request-id"] == "lb-7f3a.42:1"


@pytest.mark.parametrize("sent", ["", "a b", "x" * 200, "line\\nbreak", "é"])
def test_an_unusable_request_id_from_the_client_is_replaced(client: TestClient, sent: str) -> None:
    answer = client.get("/health", headers={"X-Request-Id": sent.encode("utf-8")})
    assert answer.headers["x-request-id"] not in ("", sent)


def test_an_unexpected_failure_answers_500_with_the_error_body_and_a_logged_request_id(
    ctx: Context, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    projects.create_project(ctx, "broken")
    datasets.create_empty_dataset(ctx, "broken", "train")
    # A dataset's source is a JSON object; a list here is state no code path writes,
    # so describing the dataset fails where nothing expects it to.
    with ctx.db.write() as session:
        session.execute(update(Dataset).values(source=[1, 2]))

    with caplog.at_level(logging.ERROR, logger="customlabels.api"):
        answer = client.get("/projects/broken/datasets/train")

    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/json"
    request_id = answer.headers["x-request-id"]
    assert answer.json() == {
        "error": {
            "code": "InternalError",
            "message": answer.json()["error"]["message"],
            "details": {"request_id": request_id},
        }
    }
    assert request_id in answer.json()["error"]["message"]
    assert "TypeError" not in answer.text  # the cause stays in the log
    [record] = [r for r in caplog.records if request_id in r.getMessage()]
    assert "/projects/broken/datasets/train" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is TypeError


def test_an_expected_error_keeps_its_own_status_and_code(client: TestClient) -> None:
    answer = client.get("/projects/nosuch")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "ProjectNotFound"
    assert answer.headers["x-request-id"]
