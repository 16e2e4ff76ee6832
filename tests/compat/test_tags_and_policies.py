"""Tags on projects, versions and datasets; project policies with revision ids; who may
change them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.compat.conftest import Compat
from tests.compat.versions_helpers import one_label_project

from customlabels.services.project_access import grant

POLICY = json.dumps({"Version": "2012-10-17", "Statement": []})


def _project(rekognition: Any, name: str) -> dict[str, Any]:
    (found,) = rekognition.describe_projects(ProjectNames=[name])["ProjectDescriptions"]
    return dict(found)


def test_tags_round_trip_on_projects_versions_and_datasets(
    compat: Compat, rekognition: Any, error_of: Any, shared_datasets: Path
) -> None:
    one_label_project(compat.ctx, shared_datasets, "solo")
    project = _project(rekognition, "solo")
    version = rekognition.create_project_version(
        ProjectArn=project["ProjectArn"],
        VersionName="v1",
        OutputConfig={"S3Bucket": "ignored"},
        Tags={"team": "shoes"},
    )["ProjectVersionArn"]
    dataset = project["Datasets"][0]["DatasetArn"]
    for arn in (project["ProjectArn"], version, dataset):
        rekognition.tag_resource(ResourceArn=arn, Tags={"stage": "dev", "owner": "ana"})
        rekognition.tag_resource(ResourceArn=arn, Tags={"stage": "prod"})
        rekognition.untag_resource(ResourceArn=arn, TagKeys=["owner", "never-set"])
    assert rekognition.list_tags_for_resource(ResourceArn=version)["Tags"] == {
        "team": "shoes",
        "stage": "prod",
    }
    assert rekognition.list_tags_for_resource(ResourceArn=dataset)["Tags"] == {"stage": "prod"}
    with pytest.raises(ClientError) as caught:
        rekognition.tag_resource(ResourceArn=version, Tags={"aws:reserved": "x"})
    assert error_of(caught.value) == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        rekognition.list_tags_for_resource(ResourceArn=project["ProjectArn"] + "/version/v9/1")
    assert error_of(caught.value) == "ResourceNotFoundException"
    # A project made again under the same name has a new ARN, and none of the old tags.
    rekognition.delete_project_version(ProjectVersionArn=version)
    rekognition.delete_project(ProjectArn=project["ProjectArn"])
    again = rekognition.create_project(ProjectName="solo")["ProjectArn"]
    assert rekognition.list_tags_for_resource(ResourceArn=again)["Tags"] == {}


def test_a_policy_changes_only_with_its_current_revision_id(
    rekognition: Any, error_of: Any
) -> None:
    project = rekognition.create_project(ProjectName="shared")["ProjectArn"]
    first = rekognition.put_project_policy(
        ProjectArn=project, PolicyName="copy-in", PolicyDocument=POLICY
    )["PolicyRevisionId"]
    with pytest.raises(ClientError) as caught:  # exists: name the revision to replace it
        rekognition.put_project_policy(
            ProjectArn=project, PolicyName="copy-in", PolicyDocument=POLICY
        )
    assert error_of(caught.value) == "ResourceAlreadyExistsException"
    second = rekognition.put_project_policy(
        ProjectArn=project, PolicyName="copy-in", PolicyDocument=POLICY, PolicyRevisionId=first
    )["PolicyRevisionId"]
    assert second != first
    for call in (
        lambda: rekognition.put_project_policy(
            ProjectArn=project,
            PolicyName="copy-in",
            PolicyDocument=POLICY,
            PolicyRevisionId=first,
        ),
        lambda: rekognition.delete_project_policy(
            ProjectArn=project, PolicyName="copy-in", PolicyRevisionId=first
        ),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught.value) == "InvalidPolicyRevisionIdException"
    (listed,) = rekognition.list_project_policies(ProjectArn=project)["ProjectPolicies"]
    assert (listed["PolicyName"], listed["PolicyRevisionId"]) == ("copy-in", second)
    assert listed["ProjectArn"] == project and listed["LastUpdatedTimestamp"].year >= 2024
    assert json.loads(listed["PolicyDocument"]) == json.loads(POLICY)
    rekognition.delete_project_policy(
        ProjectArn=project, PolicyName="copy-in", PolicyRevisionId=second
    )
    assert rekognition.list_project_policies(ProjectArn=project)["ProjectPolicies"] == []
    with pytest.raises(ClientError) as caught:
        rekognition.delete_project_policy(ProjectArn=project, PolicyName="copy-in")
    assert error_of(caught.value) == "ResourceNotFoundException"


def test_a_policy_that_is_not_a_json_object_is_malformed(rekognition: Any, error_of: Any) -> None:
    project = rekognition.create_project(ProjectName="shared")["ProjectArn"]
    with pytest.raises(ClientError) as caught:
        rekognition.put_project_policy(
            ProjectArn=project, PolicyName="p", PolicyDocument="[not json"
        )
    assert error_of(caught.value) == "MalformedPolicyDocumentException"


def test_a_viewer_may_read_tags_and_policies_but_not_change_them(
    compat: Compat, rekognition: Any, error_of: Any
) -> None:
    project = rekognition.create_project(ProjectName="shared")["ProjectArn"]
    rekognition.tag_resource(ResourceArn=project, Tags={"a": "1"})
    viewer = compat.client("vera", "viewer")
    assert viewer.list_tags_for_resource(ResourceArn=project)["Tags"] == {"a": "1"}
    assert viewer.list_project_policies(ProjectArn=project)["ProjectPolicies"] == []
    for call in (
        lambda: viewer.tag_resource(ResourceArn=project, Tags={"b": "2"}),
        lambda: viewer.put_project_policy(
            ProjectArn=project, PolicyName="p", PolicyDocument=POLICY
        ),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught.value) == "AccessDeniedException"


def test_copying_a_version_needs_the_editor_role_on_the_destination(
    compat: Compat, rekognition: Any, error_of: Any, shared_datasets: Path
) -> None:
    one_label_project(compat.ctx, shared_datasets, "source")
    source = _project(rekognition, "source")["ProjectArn"]
    target = rekognition.create_project(ProjectName="target")["ProjectArn"]
    version = rekognition.create_project_version(
        ProjectArn=source, VersionName="v1", OutputConfig={"S3Bucket": "ignored"}
    )["ProjectVersionArn"]
    editor = compat.client("eddie", "viewer")
    grant(compat.ctx, "source", "eddie", "editor")  # an editor of the source only
    with pytest.raises(ClientError) as caught:
        editor.copy_project_version(
            SourceProjectArn=source,
            SourceProjectVersionArn=version,
            DestinationProjectArn=target,
            VersionName="copied",
            OutputConfig={"S3Bucket": "ignored"},
        )
    assert error_of(caught.value) == "AccessDeniedException"
