"""Every Custom Labels operation of botocore's Rekognition model is answered."""

from __future__ import annotations

import botocore.session

from customlabels.compat.registry import operations

CUSTOM_LABELS = {
    "CreateProject", "DescribeProjects", "DeleteProject",
    "CreateDataset", "DescribeDataset", "DeleteDataset", "ListDatasetEntries",
    "ListDatasetLabels", "UpdateDatasetEntries", "DistributeDatasetEntries",
    "CreateProjectVersion", "DescribeProjectVersions", "DeleteProjectVersion",
    "CopyProjectVersion", "StartProjectVersion", "StopProjectVersion", "DetectCustomLabels",
    "PutProjectPolicy", "ListProjectPolicies", "DeleteProjectPolicy",
    "TagResource", "UntagResource", "ListTagsForResource",
}  # fmt: skip


def test_every_custom_labels_operation_is_answered() -> None:
    model = botocore.session.get_session().get_service_model("rekognition")
    assert set(model.operation_names) >= CUSTOM_LABELS, "botocore's model renamed something"
    assert sorted(CUSTOM_LABELS - set(operations())) == []


def test_each_answered_operation_is_one_of_botocores() -> None:
    model = botocore.session.get_session().get_service_model("rekognition")
    assert sorted(set(operations()) - set(model.operation_names)) == []
