"""The dataset operations through the real boto3 client: create (empty, from a manifest on
S3, from another dataset), describe, list entries and labels with botocore's paginators,
update entries, distribute, delete, and who may do what."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.s3.helpers import png, put

from customlabels.services import project_access

from .conftest import Compat
from .manifests import classified, settled


@pytest.fixture
def pets(rekognition: Any, s3: Any) -> tuple[str, str, list[str]]:
    """Project ``pets`` with a TRAIN dataset made from a manifest in S3: three cats, two
    dogs, one line without labels, one whose image is missing; and the refs in order."""
    bucket = f"pets-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    names = ["cat1", "cat2", "cat3", "dog1", "dog2", "plain"]
    put(s3, bucket, {f"img/{n}.png": png((20 * i, 100, 50)) for i, n in enumerate(names)})
    refs = [f"s3://{bucket}/img/{n}.png" for n in [*names, "gone"]]
    lines = [classified(r, "cat") for r in refs[:3]] + [classified(r, "dog") for r in refs[3:5]]
    lines += [{"source-ref": refs[5]}, classified(refs[6], "cat")]
    body = "\n".join(json.dumps(x) for x in lines) + "\n"
    s3.put_object(Bucket=bucket, Key="train.manifest", Body=body.encode())
    project = rekognition.create_project(ProjectName="pets")["ProjectArn"]
    arn = rekognition.create_dataset(
        ProjectArn=project,
        DatasetType="TRAIN",
        DatasetSource={
            "GroundTruthManifest": {"S3Object": {"Bucket": bucket, "Name": "train.manifest"}}
        },
    )["DatasetArn"]
    assert settled(rekognition, arn)["Status"] == "CREATE_COMPLETE"
    return project, arn, refs


def refs_of(rekognition: Any, arn: str, **filters: Any) -> list[str]:
    found = rekognition.list_dataset_entries(DatasetArn=arn, **filters)["DatasetEntries"]
    return [json.loads(line)["source-ref"] for line in found]


def test_an_empty_dataset_is_created_described_and_deleted(
    rekognition: Any, error_of: Callable[[Exception], str]
) -> None:
    project = rekognition.create_project(ProjectName="shoes")["ProjectArn"]
    arn = rekognition.create_dataset(ProjectArn=project, DatasetType="TRAIN")["DatasetArn"]
    assert arn.startswith(project + "/dataset/train/")
    found = rekognition.describe_dataset(DatasetArn=arn)["DatasetDescription"]
    assert found["Status"] == "CREATE_COMPLETE"
    assert found["CreationTimestamp"].year >= 2024  # an epoch botocore parsed
    assert found["DatasetStats"] == {
        "LabeledEntries": 0,
        "TotalEntries": 0,
        "TotalLabels": 0,
        "ErrorEntries": 0,
    }
    with pytest.raises(ClientError) as caught:
        rekognition.create_dataset(ProjectArn=project, DatasetType="TRAIN")
    assert error_of(caught.value) == "ResourceAlreadyExistsException"
    rekognition.delete_dataset(DatasetArn=arn)
    with pytest.raises(ClientError) as caught:
        rekognition.describe_dataset(DatasetArn=arn)
    assert error_of(caught.value) == "ResourceNotFoundException"


def test_a_dataset_made_again_does_not_answer_to_its_old_arn(
    rekognition: Any, error_of: Callable[[Exception], str]
) -> None:
    project = rekognition.create_project(ProjectName="shoes")["ProjectArn"]
    old = rekognition.create_dataset(ProjectArn=project, DatasetType="TEST")["DatasetArn"]
    rekognition.delete_dataset(DatasetArn=old)
    time.sleep(0.002)  # a new creation millisecond
    new = rekognition.create_dataset(ProjectArn=project, DatasetType="TEST")["DatasetArn"]
    assert new != old
    with pytest.raises(ClientError) as caught:
        rekognition.describe_dataset(DatasetArn=old)
    assert error_of(caught.value) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        rekognition.describe_dataset(DatasetArn=project + "/dataset/valid/1")
    assert error_of(caught.value) == "InvalidParameterException"


def test_update_dataset_entries_adds_and_replaces_json_lines(rekognition: Any) -> None:
    project = rekognition.create_project(ProjectName="shoes")["ProjectArn"]
    arn = rekognition.create_dataset(ProjectArn=project, DatasetType="TRAIN")["DatasetArn"]
    lines = [classified(f"s3://nowhere/{n}.png", "boot") for n in ("a", "b", "c")]
    changes = "\n".join(json.dumps(x) for x in lines).encode()
    rekognition.update_dataset_entries(DatasetArn=arn, Changes={"GroundTruth": changes})
    found = settled(rekognition, arn)
    # No line's image can be read: the entries are kept with their errors, and the
    # dataset says the update failed and why, not that it succeeded.
    assert found["Status"] == "UPDATE_FAILED"
    assert found["StatusMessageCode"] == "CLIENT_ERROR"
    assert "s3://nowhere/a.png" in found["StatusMessage"]
    assert found["DatasetStats"]["TotalEntries"] == 3
    # An update replaces an entry by its source-ref (the image is still not there).
    again = json.dumps(classified("s3://nowhere/a.png", "sandal")).encode()
    rekognition.update_dataset_entries(DatasetArn=arn, Changes={"GroundTruth": again})
    assert settled(rekognition, arn)["DatasetStats"]["TotalEntries"] == 3
    labelled = refs_of(rekognition, arn, ContainsLabels=["sandal"])
    assert labelled == ["s3://nowhere/a.png"]


def test_each_filter_of_list_dataset_entries(
    rekognition: Any, pets: tuple[str, str, list[str]]
) -> None:
    _, arn, refs = pets
    assert refs_of(rekognition, arn) == refs
    assert refs_of(rekognition, arn, ContainsLabels=["dog"]) == refs[3:5]
    assert refs_of(rekognition, arn, ContainsLabels=["cat", "dog"]) == refs[:5] + refs[6:]
    assert refs_of(rekognition, arn, Labeled=False) == [refs[5]]
    assert refs_of(rekognition, arn, Labeled=True) == refs[:5] + refs[6:]
    assert refs_of(rekognition, arn, SourceRefContains="dog") == refs[3:5]
    assert refs_of(rekognition, arn, HasErrors=True) == [refs[6]]
    assert refs_of(rekognition, arn, HasErrors=False, ContainsLabels=["cat"]) == refs[:3]
    line = json.loads(rekognition.list_dataset_entries(DatasetArn=arn)["DatasetEntries"][0])
    # A Ground Truth line, as the hosted service returns it.
    assert line["image-label-metadata"]["class-name"] == "cat"


def test_botocores_paginators_walk_every_entry_and_label_once(
    rekognition: Any, pets: tuple[str, str, list[str]]
) -> None:
    _, arn, refs = pets
    pages = list(
        rekognition.get_paginator("list_dataset_entries").paginate(
            DatasetArn=arn, PaginationConfig={"PageSize": 2}
        )
    )
    assert len(pages) == 4
    assert [json.loads(x)["source-ref"] for p in pages for x in p["DatasetEntries"]] == refs
    labels = [
        d
        for page in rekognition.get_paginator("list_dataset_labels").paginate(
            DatasetArn=arn, PaginationConfig={"PageSize": 1}
        )
        for d in page["DatasetLabelDescriptions"]
    ]
    assert labels == [
        {"LabelName": "cat", "LabelStats": {"EntryCount": 4, "BoundingBoxCount": 0}},
        {"LabelName": "dog", "LabelStats": {"EntryCount": 2, "BoundingBoxCount": 0}},
    ]


def test_a_bad_filter_or_token_is_refused_with_the_services_names(
    rekognition: Any, pets: tuple[str, str, list[str]], error_of: Callable[[Exception], str]
) -> None:
    _, arn, _ = pets
    with pytest.raises(ClientError) as caught:
        rekognition.list_dataset_entries(
            DatasetArn=arn, ContainsLabels=[f"l{i}" for i in range(11)]
        )
    assert error_of(caught.value) == "InvalidParameterException"
    for token in ("not-a-token", "YTk5OTox"):  # junk, and a cursor of another dataset
        with pytest.raises(ClientError) as caught:
            rekognition.list_dataset_entries(DatasetArn=arn, NextToken=token)
        assert error_of(caught.value) == "InvalidPaginationTokenException"
    with pytest.raises(ClientError) as caught:
        rekognition.list_dataset_labels(DatasetArn=arn, NextToken="bm8tc3VjaC1sYWJlbA==")
    assert error_of(caught.value) == "InvalidPaginationTokenException"


def test_an_unreadable_manifest_object_is_an_invalid_s3_object(
    rekognition: Any, s3: Any, error_of: Callable[[Exception], str]
) -> None:
    project = rekognition.create_project(ProjectName="shoes")["ProjectArn"]
    bucket = f"empty-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    for where in (
        {"Bucket": bucket, "Name": "missing.manifest"},
        {"Bucket": "no-such", "Name": "x"},
    ):
        with pytest.raises(ClientError) as caught:
            rekognition.create_dataset(
                ProjectArn=project,
                DatasetType="TRAIN",
                DatasetSource={"GroundTruthManifest": {"S3Object": where}},
            )
        assert error_of(caught.value) == "InvalidS3ObjectException"


def test_a_dataset_copied_from_another_then_distributed(
    rekognition: Any, pets: tuple[str, str, list[str]]
) -> None:
    _, source, refs = pets
    project = rekognition.create_project(ProjectName="copy")["ProjectArn"]
    train = rekognition.create_dataset(
        ProjectArn=project, DatasetType="TRAIN", DatasetSource={"DatasetArn": source}
    )["DatasetArn"]
    copied = settled(rekognition, train)
    assert copied["Status"] == "CREATE_COMPLETE"
    assert copied["DatasetStats"]["TotalEntries"] == len(refs)
    test = rekognition.create_dataset(ProjectArn=project, DatasetType="TEST")["DatasetArn"]
    rekognition.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": test}])
    deadline = time.monotonic() + 60
    while not rekognition.list_dataset_entries(DatasetArn=test)["DatasetEntries"]:
        assert time.monotonic() < deadline, "nothing was distributed"
        time.sleep(0.1)
    moved = refs_of(rekognition, test)
    assert set(moved) | set(refs_of(rekognition, train)) == set(refs)
    assert not set(moved) & set(refs_of(rekognition, train))


def test_distribute_needs_the_train_and_test_of_one_project(
    rekognition: Any, pets: tuple[str, str, list[str]], error_of: Callable[[Exception], str]
) -> None:
    _, train, _ = pets
    with pytest.raises(ClientError) as caught:
        rekognition.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": train}])
    assert error_of(caught.value) == "InvalidParameterException"


def test_a_viewer_may_list_but_not_create_or_change(
    compat: Compat, rekognition: Any, error_of: Callable[[Exception], str]
) -> None:
    project = rekognition.create_project(ProjectName="shoes")["ProjectArn"]
    arn = rekognition.create_dataset(ProjectArn=project, DatasetType="TRAIN")["DatasetArn"]
    viewer = compat.client("vera", "viewer")
    assert viewer.list_dataset_entries(DatasetArn=arn)["DatasetEntries"] == []
    assert viewer.describe_dataset(DatasetArn=arn)["DatasetDescription"]["Status"]
    for call in (
        lambda: viewer.create_dataset(ProjectArn=project, DatasetType="TEST"),
        lambda: viewer.delete_dataset(DatasetArn=arn),
        lambda: viewer.update_dataset_entries(
            DatasetArn=arn, Changes={"GroundTruth": b'{"source-ref": "a.png"}'}
        ),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught.value) == "AccessDeniedException"


def test_copying_needs_a_role_on_the_source_project(
    compat: Compat, rekognition: Any, error_of: Callable[[Exception], str]
) -> None:
    secret = rekognition.create_project(ProjectName="secret")["ProjectArn"]
    source = rekognition.create_dataset(ProjectArn=secret, DatasetType="TRAIN")["DatasetArn"]
    project_access.set_members_only(compat.ctx, "secret", True)
    mine = rekognition.create_project(ProjectName="mine")["ProjectArn"]
    editor = compat.client("eddie", "editor")
    with pytest.raises(ClientError) as caught:
        editor.create_dataset(
            ProjectArn=mine, DatasetType="TRAIN", DatasetSource={"DatasetArn": source}
        )
    # As for any project the caller holds no role on: its existence is not revealed.
    assert error_of(caught.value) == "ResourceNotFoundException"
    project_access.grant(compat.ctx, "secret", "eddie", "viewer")
    copied = editor.create_dataset(
        ProjectArn=mine, DatasetType="TRAIN", DatasetSource={"DatasetArn": source}
    )["DatasetArn"]
    assert settled(editor, copied)["Status"] == "CREATE_COMPLETE"
