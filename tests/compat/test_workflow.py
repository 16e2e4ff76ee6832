"""A whole hosted-service workflow, unchanged but for ``endpoint_url``: a manifest in
(loopback) S3 → datasets → distribute → train → start → detect → stop → delete."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from .manifests import classified, settled
from .versions_helpers import KINDS, shoe_photo

FAST = {"Delay": 1, "MaxAttempts": 180}
PER_KIND = 8


def test_a_script_for_the_hosted_service_runs_end_to_end(
    rekognition: Any, s3: Any, shared_datasets: Path
) -> None:
    pytest.importorskip("customlabels.training")
    bucket = f"shoes-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    lines = []
    for kind in KINDS:
        for n in range(1, PER_KIND + 1):
            key = f"photos/{kind}/{n}.jpg"
            s3.put_object(Bucket=bucket, Key=key, Body=shoe_photo(shared_datasets, kind, n))
            lines.append(classified(f"s3://{bucket}/{key}", kind))
    manifest = "\n".join(json.dumps(line) for line in lines) + "\n"
    s3.put_object(Bucket=bucket, Key="train.manifest", Body=manifest.encode())

    project = rekognition.create_project(ProjectName="shoes")["ProjectArn"]
    train = rekognition.create_dataset(
        ProjectArn=project,
        DatasetType="TRAIN",
        DatasetSource={
            "GroundTruthManifest": {"S3Object": {"Bucket": bucket, "Name": "train.manifest"}}
        },
    )["DatasetArn"]
    assert settled(rekognition, train)["DatasetStats"]["TotalEntries"] == 2 * PER_KIND
    test = rekognition.create_dataset(ProjectArn=project, DatasetType="TEST")["DatasetArn"]
    rekognition.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": test}])
    moved = settled(rekognition, test)["DatasetStats"]["TotalEntries"]
    assert 0 < moved < 2 * PER_KIND
    assert settled(rekognition, train)["DatasetStats"]["TotalEntries"] == 2 * PER_KIND - moved

    version = rekognition.create_project_version(
        ProjectArn=project,
        VersionName="v1",
        OutputConfig={"S3Bucket": bucket, "S3KeyPrefix": "models/"},
    )["ProjectVersionArn"]
    rekognition.get_waiter("project_version_training_completed").wait(
        ProjectArn=project, VersionNames=["v1"], WaiterConfig=FAST
    )
    rekognition.start_project_version(ProjectVersionArn=version, MinInferenceUnits=1)
    rekognition.get_waiter("project_version_running").wait(
        ProjectArn=project, VersionNames=["v1"], WaiterConfig=FAST
    )
    found = rekognition.detect_custom_labels(
        ProjectVersionArn=version,
        Image={"S3Object": {"Bucket": bucket, "Name": f"photos/{KINDS[1]}/1.jpg"}},
        MinConfidence=0,
    )["CustomLabels"]
    assert found and {label["Name"] for label in found} <= set(KINDS)
    confidences = [label["Confidence"] for label in found]
    assert confidences == sorted(confidences, reverse=True)

    assert rekognition.stop_project_version(ProjectVersionArn=version)["Status"] in (
        "STOPPING",
        "STOPPED",
    )
    rekognition.delete_project_version(ProjectVersionArn=version)
    rekognition.delete_dataset(DatasetArn=test)
    rekognition.delete_dataset(DatasetArn=train)
    rekognition.delete_project(ProjectArn=project)
    assert rekognition.describe_projects()["ProjectDescriptions"] == []
