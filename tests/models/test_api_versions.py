"""The REST routes of model versions, for what needs no trained model."""

from __future__ import annotations

import time

import pytest
from tests.models.conftest import Served
from tests.models.helpers import labelled_project, picture


def test_training_a_project_with_one_label_answers_training_failed_with_the_message(
    served: Served,
):
    labelled_project(served.ctx, "solo", {"red": 4})
    created = served.client.post("/projects/solo/versions", json={})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "TRAINING_FAILED"
    assert body["status_code"] == "ERROR_MANIFEST_TOO_FEW_LABELS"
    assert body["status_message"].startswith("The manifest file has too few labels.")
    listed = served.client.get("/projects/solo/versions").json()["items"]
    assert [v["name"] for v in listed] == ["v1"]


def test_detecting_with_a_version_that_is_not_running_is_refused(served: Served):
    labelled_project(served.ctx, "idle", {"red": 4})
    served.client.post("/projects/idle/versions", json={"name": "first"})
    refused = served.client.post(
        "/projects/idle/versions/first/detect",
        files={"image": ("a.jpg", picture("red", 1), "image/jpeg")},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ResourceNotReady"


def test_an_unknown_version_is_version_not_found(served: Served):
    labelled_project(served.ctx, "none", {"red": 2})
    missing = served.client.get("/projects/none/versions/v9")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "VersionNotFound"
    assert served.client.delete("/projects/none/versions/v9").status_code == 404


def test_train_describe_start_and_detect_over_rest(served: Served):
    pytest.importorskip("customlabels.training")
    labelled_project(served.ctx, "kinds", {"red": 10, "blue": 10})
    api = served.client
    created = api.post(
        "/projects/kinds/versions",
        json={"config": {"epochs": 5, "image_size": 64, "fine_tune": False}},
    )
    assert created.status_code == 201 and created.json()["status"] == "TRAINING_IN_PROGRESS"
    deadline = time.monotonic() + 120
    while (version := api.get("/projects/kinds/versions/v1").json())["status"] in (
        "TRAINING_IN_PROGRESS",
    ):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert version["status"] == "TRAINING_COMPLETED", version["status_message"]
    assert version["evaluation_summary"]["AggregatedEvaluationResults"]["F1Score"] is not None
    assert api.post("/projects/kinds/versions/v1/start").json()["status"] == "RUNNING"
    detected = api.post(
        "/projects/kinds/versions/v1/detect",
        files={"image": ("b.jpg", picture("blue", 900), "image/jpeg")},
        data={"min_confidence": "0", "max_results": "1"},
    )
    assert detected.status_code == 200, detected.text
    (label,) = detected.json()["custom_labels"]
    assert label["name"] == "blue" and label["box"] is None
    bad = api.post(
        "/projects/kinds/versions/v1/detect",
        files={"image": ("x.jpg", b"not an image", "image/jpeg")},
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "InvalidImageFormat")
    assert api.delete("/projects/kinds/versions/v1").json()["error"]["code"] == "ResourceInUse"
    exported = api.get("/projects/kinds/versions/v1/export", params={"format": "onnx"})
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/zip"
    assert api.post("/projects/kinds/versions/v1/stop").json()["status"] == "STOPPED"
