"""Model versions through the real boto3 client: train, wait, describe, start, detect,
copy, stop, delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from tests.accounts import key_headers
from tests.compat.conftest import Compat
from tests.compat.versions_helpers import KINDS, one_label_project, shoe_photo, shoes_project

OUTPUT = {"S3Bucket": "ignored", "S3KeyPrefix": "models/"}
FAST = {"Delay": 1, "MaxAttempts": 120}


def _project_arn(rekognition: Any, name: str) -> str:
    (found,) = rekognition.describe_projects(ProjectNames=[name])["ProjectDescriptions"]
    return str(found["ProjectArn"])


def test_a_version_trains_runs_detects_copies_and_is_deleted(
    compat: Compat, rekognition: Any, error_of: Any, shared_datasets: Path, aws_env: str
) -> None:
    # One test for the whole life of a version: each step needs the trained model.
    pytest.importorskip("customlabels.training")
    shoes_project(compat.ctx, shared_datasets, "shoes")
    project = _project_arn(rekognition, "shoes")
    version = rekognition.create_project_version(
        ProjectArn=project, VersionName="v1", OutputConfig=OUTPUT
    )["ProjectVersionArn"]
    assert version.startswith(project + "/version/v1/")
    rekognition.get_waiter("project_version_training_completed").wait(
        ProjectArn=project, VersionNames=["v1"], WaiterConfig=FAST
    )
    (described,) = rekognition.describe_project_versions(ProjectArn=project, VersionNames=["v1"])[
        "ProjectVersionDescriptions"
    ]
    assert described["Status"] == "TRAINING_COMPLETED"
    assert described["CreationTimestamp"].year >= 2024
    evaluation = described["EvaluationResult"]
    assert 0 <= evaluation["F1Score"] <= 1
    # The summary file is served by the REST route its object name gives.
    summary = httpx.get(
        f"{compat.url}/{evaluation['Summary']['S3Object']['Name']}",
        headers=key_headers(compat.ctx),
    )
    assert summary.status_code == 200, summary.text
    assert summary.json()["AggregatedEvaluationResults"]["F1Score"] == evaluation["F1Score"]

    assert rekognition.start_project_version(ProjectVersionArn=version, MinInferenceUnits=1)[
        "Status"
    ] in ("STARTING", "RUNNING")
    rekognition.get_waiter("project_version_running").wait(
        ProjectArn=project, VersionNames=["v1"], WaiterConfig=FAST
    )
    photo = shoe_photo(shared_datasets, "chunkysneakers", 20)
    every = rekognition.detect_custom_labels(
        ProjectVersionArn=version, Image={"Bytes": photo}, MinConfidence=0
    )["CustomLabels"]
    # Every label the model scores above its own small floor, not only those over their
    # thresholds (a label it is sure is absent may fall under that floor).
    assert {label["Name"] for label in every} <= set(KINDS) and every
    assumed = rekognition.detect_custom_labels(ProjectVersionArn=version, Image={"Bytes": photo})
    assert len(every) >= len(assumed["CustomLabels"])
    confidences = [label["Confidence"] for label in every]
    assert confidences == sorted(confidences, reverse=True)
    (best,) = rekognition.detect_custom_labels(
        ProjectVersionArn=version, Image={"Bytes": photo}, MinConfidence=0, MaxResults=1
    )["CustomLabels"]
    assert best == every[0] and "Geometry" not in best  # classification: no boxes

    # The same photo from S3 (moto's server, through the server's S3 settings).
    s3 = boto3.client("s3", endpoint_url=aws_env)
    s3.create_bucket(Bucket="photos")
    s3.put_object(Bucket="photos", Key="shoe.jpg", Body=photo)
    from_s3 = rekognition.detect_custom_labels(
        ProjectVersionArn=version,
        Image={"S3Object": {"Bucket": "photos", "Name": "shoe.jpg"}},
        MinConfidence=0,
    )["CustomLabels"]
    assert from_s3 == every
    for image, code in (
        ({"Bytes": b"not an image at all"}, "InvalidImageFormatException"),
        ({"S3Object": {"Bucket": "photos", "Name": "missing.jpg"}}, "InvalidS3ObjectException"),
    ):
        with pytest.raises(ClientError) as caught:
            rekognition.detect_custom_labels(ProjectVersionArn=version, Image=image)
        assert error_of(caught.value) == code

    with pytest.raises(ClientError) as caught:
        rekognition.delete_project_version(ProjectVersionArn=version)
    assert error_of(caught.value) == "ResourceInUseException"

    rekognition.create_project(ProjectName="elsewhere")
    target = _project_arn(rekognition, "elsewhere")
    copied = rekognition.copy_project_version(
        SourceProjectArn=project,
        SourceProjectVersionArn=version,
        DestinationProjectArn=target,
        VersionName="from-shoes",
        OutputConfig=OUTPUT,
    )["ProjectVersionArn"]
    (copy,) = rekognition.describe_project_versions(ProjectArn=target)["ProjectVersionDescriptions"]
    assert copy["ProjectVersionArn"] == copied
    assert copy["SourceProjectVersionArn"] == version
    assert copy["EvaluationResult"]["F1Score"] == evaluation["F1Score"]

    assert rekognition.stop_project_version(ProjectVersionArn=version)["Status"] == "STOPPED"
    with pytest.raises(ClientError) as caught:
        rekognition.detect_custom_labels(ProjectVersionArn=version, Image={"Bytes": photo})
    assert error_of(caught.value) == "ResourceNotReadyException"
    assert rekognition.delete_project_version(ProjectVersionArn=version)["Status"] == "DELETING"
    assert (
        rekognition.describe_project_versions(ProjectArn=project)["ProjectVersionDescriptions"]
        == []
    )
    with pytest.raises(ClientError) as caught:
        rekognition.delete_project_version(ProjectVersionArn=version)
    assert error_of(caught.value) == "ResourceNotFoundException"


def test_a_training_that_breaks_a_rule_reads_training_failed_with_the_reason(
    compat: Compat, rekognition: Any, shared_datasets: Path
) -> None:
    one_label_project(compat.ctx, shared_datasets, "solo")
    project = _project_arn(rekognition, "solo")
    rekognition.create_project_version(ProjectArn=project, VersionName="v1", OutputConfig=OUTPUT)
    (described,) = rekognition.describe_project_versions(ProjectArn=project)[
        "ProjectVersionDescriptions"
    ]
    assert described["Status"] == "TRAINING_FAILED"
    assert described["StatusMessage"].startswith("The manifest file has too few labels.")
    assert "EvaluationResult" not in described


def test_starting_or_detecting_with_an_untrained_version_is_refused(
    compat: Compat, rekognition: Any, error_of: Any, shared_datasets: Path
) -> None:
    one_label_project(compat.ctx, shared_datasets, "solo")
    project = _project_arn(rekognition, "solo")
    version = rekognition.create_project_version(
        ProjectArn=project, VersionName="v1", OutputConfig=OUTPUT
    )["ProjectVersionArn"]
    photo = shoe_photo(shared_datasets)
    with pytest.raises(ClientError) as caught:
        rekognition.detect_custom_labels(ProjectVersionArn=version, Image={"Bytes": photo})
    assert error_of(caught.value) == "ResourceNotReadyException"
    with pytest.raises(ClientError) as caught:
        rekognition.start_project_version(ProjectVersionArn=version, MinInferenceUnits=1)
    assert error_of(caught.value) == "ResourceNotReadyException"


def test_a_version_arn_with_another_creation_time_is_not_found(
    compat: Compat, rekognition: Any, error_of: Any, shared_datasets: Path
) -> None:
    one_label_project(compat.ctx, shared_datasets, "solo")
    project = _project_arn(rekognition, "solo")
    version = rekognition.create_project_version(
        ProjectArn=project, VersionName="v1", OutputConfig=OUTPUT
    )["ProjectVersionArn"]
    stale = version.rsplit("/", 1)[0] + "/1"
    with pytest.raises(ClientError) as caught:
        rekognition.delete_project_version(ProjectVersionArn=stale)
    assert error_of(caught.value) == "ResourceNotFoundException"


def test_describe_project_versions_pages_newest_first(
    compat: Compat, rekognition: Any, shared_datasets: Path
) -> None:
    one_label_project(compat.ctx, shared_datasets, "solo")
    project = _project_arn(rekognition, "solo")
    for n in range(5):
        rekognition.create_project_version(
            ProjectArn=project, VersionName=f"v{n}", OutputConfig=OUTPUT
        )
    pages = rekognition.get_paginator("describe_project_versions").paginate(
        ProjectArn=project, PaginationConfig={"PageSize": 2}
    )
    seen = [
        d["ProjectVersionArn"].split("/version/")[1].split("/")[0]
        for page in pages
        for d in page["ProjectVersionDescriptions"]
    ]
    assert seen == ["v4", "v3", "v2", "v1", "v0"]


def test_training_data_naming_manifests_is_refused(
    compat: Compat, rekognition: Any, error_of: Any, shared_datasets: Path
) -> None:
    one_label_project(compat.ctx, shared_datasets, "solo")
    manifest = {"GroundTruthManifest": {"S3Object": {"Bucket": "labels", "Name": "train.manifest"}}}
    with pytest.raises(ClientError) as caught:
        rekognition.create_project_version(
            ProjectArn=_project_arn(rekognition, "solo"),
            VersionName="v1",
            OutputConfig=OUTPUT,
            TrainingData={"Assets": [manifest]},
        )
    assert error_of(caught.value) == "InvalidParameterException"
