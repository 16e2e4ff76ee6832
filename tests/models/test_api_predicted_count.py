"""Counting the pre-labelled entries nobody reviewed, as the console's gallery does."""

from __future__ import annotations

import pytest
from tests.models.conftest import Served
from tests.models.helpers import labelled_project, picture

from customlabels.services.imports import uploads
from customlabels.services.models import prelabel, versions
from customlabels.services.runner import run_job


def test_the_entry_count_of_the_predicted_filter_counts_only_predicted_entries(served: Served):
    pytest.importorskip("customlabels.training")
    labelled_project(served.ctx, "kinds", {"red": 8, "blue": 8})
    fresh = [uploads.UploadedFile(f"new-{n}.jpg", picture("blue", 700 + n)) for n in range(3)]
    uploads.upload_files(served.ctx, "kinds", "train", fresh, folder_labels=False)
    version = versions.create_version(
        served.ctx, "kinds", "v1", {"epochs": 5, "image_size": 64, "fine_tune": False}
    )
    assert version.job_id is not None and run_job(served.ctx, version.job_id).status == "SUCCEEDED"
    assert run_job(served.ctx, prelabel.start_prelabel(served.ctx, "kinds", "v1", "train"))

    def count(**params: str) -> int:
        response = served.client.get("/projects/kinds/datasets/train/entry-count", params=params)
        assert response.status_code == 200, response.text
        return response.json()["count"]

    assert count() == 19
    assert count(predicted="true") == 3
    assert count(predicted="false") == 16
    assert count(predicted="true", contains_label="blue") == 3
