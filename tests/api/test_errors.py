"""Every error of the REST API has one body shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import httpx
import pytest


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def test_missing_project_is_404_project_not_found(api: httpx.Client) -> None:
    error = assert_error(api.get("/projects/nosuch"), 404, "ProjectNotFound")
    assert "nosuch" in error["message"]


def test_missing_job_is_404_job_not_found(api: httpx.Client) -> None:
    assert_error(api.get("/jobs/987654"), 404, "JobNotFound")


def test_missing_entry_is_404_entry_not_found(api: httpx.Client, shoes: str) -> None:
    assert_error(api.get(f"/projects/{shoes}/datasets/train/entries/987654"), 404, "EntryNotFound")


def test_creating_an_existing_project_is_409(api: httpx.Client, shoes: str) -> None:
    assert_error(api.post("/projects", json={"name": shoes}), 409, "ResourceAlreadyExists")


def test_invalid_project_name_is_400(api: httpx.Client) -> None:
    error = assert_error(api.post("/projects", json={"name": "no/slash"}), 400, "InvalidParameter")
    assert "no/slash" in error["message"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/projects", {}),
        ("POST", "/projects", {"name": 5, "extra": [1]}),
        ("GET", "/jobs/not-a-number", None),
        ("GET", "/projects/shoes/datasets/train/entries?limit=0", None),
        ("POST", "/projects/shoes/datasets/train/exports", {"format": "bmp", "out": "/tmp/x"}),
    ],
)
def test_request_validation_errors_are_400_with_each_problem(
    api: httpx.Client, shoes: str, method: str, path: str, body: dict | None
) -> None:
    error = assert_error(api.request(method, path, json=body), 400, "InvalidParameter")
    problems = error["details"]["errors"]
    assert problems and all({"location", "message"} <= set(p) for p in problems)


def test_malformed_json_is_400(api: httpx.Client) -> None:
    response = api.post(
        "/projects", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "InvalidParameter")


def test_unknown_route_has_the_same_error_shape(api: httpx.Client) -> None:
    assert_error(api.get("/no/such/route"), 404, "ResourceNotFound")


def test_wrong_method_has_the_same_error_shape(api: httpx.Client) -> None:
    assert_error(api.put("/projects"), 405, "MethodNotAllowed")
