"""The test results of a version over REST: truth and scored predictions per test image."""

from __future__ import annotations

from tests.models.conftest import Served
from tests.models.helpers import labelled_project, upload_kinds
from tests.models.recorded import complete_with_recorded_scores


def _by_kind(entry, label: str) -> float:
    return 0.9 if label in entry.labels else 0.2


def test_test_results_name_each_test_image_with_its_truth_and_scores(served: Served):
    labelled_project(served.ctx, "kinds", {"red": 6, "blue": 6})
    upload_kinds(served.ctx, "kinds", {"red": 3, "blue": 2}, type_name="test", start=100)
    complete_with_recorded_scores(served.ctx, "kinds", "v1", score=_by_kind, threshold=0.4)
    response = served.client.get("/projects/kinds/versions/v1/test-results")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["task"], body["label_names"], body["thresholds"]) == (
        "CLASSIFICATION",
        ["blue", "red"],
        [0.4, 0.4],
    )
    assert len(body["images"]) == 5
    reds = [i for i in body["images"] if i["true_labels"] == ["red"]]
    assert len(reds) == 3
    first = reds[0]
    assert first["source_ref"].startswith("upload://red/") and first["entry_id"] is not None
    assert len(first["sha256"]) == 64
    assert [(p["label"], p["confidence"]) for p in first["predictions"]] == [
        ("red", 0.9),
        ("blue", 0.2),
    ]


def test_test_results_of_a_failed_version_are_resource_not_ready(served: Served):
    labelled_project(served.ctx, "solo", {"red": 4})
    served.client.post("/projects/solo/versions", json={})
    refused = served.client.get("/projects/solo/versions/v1/test-results")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ResourceNotReady"
