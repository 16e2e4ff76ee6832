"""The REST routes of model versions, for what needs no trained model."""

from __future__ import annotations

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
