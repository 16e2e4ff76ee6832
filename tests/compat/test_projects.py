"""CreateProject, DescribeProjects (with botocore's paginator), DeleteProject."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_a_project_round_trips_through_boto3(rekognition: Any, error_of: Any) -> None:
    arn = rekognition.create_project(ProjectName="shoes")["ProjectArn"]
    assert arn.startswith("arn:aws:rekognition:") and ":project/shoes/" in arn
    found = rekognition.describe_projects(ProjectNames=["shoes"])["ProjectDescriptions"]
    assert [p["ProjectArn"] for p in found] == [arn]
    assert found[0]["Status"] == "CREATED"
    assert found[0]["CreationTimestamp"].year >= 2024  # botocore parsed an epoch timestamp
    with pytest.raises(ClientError) as caught:
        rekognition.create_project(ProjectName="shoes")
    assert error_of(caught.value) == "ResourceAlreadyExistsException"
    assert rekognition.delete_project(ProjectArn=arn)["Status"] == "DELETING"
    assert rekognition.describe_projects()["ProjectDescriptions"] == []
    with pytest.raises(ClientError) as caught:
        rekognition.delete_project(ProjectArn=arn)
    assert error_of(caught.value) == "ResourceNotFoundException"


def test_botocores_paginator_walks_every_project_once(rekognition: Any) -> None:
    made = {f"p{i}" for i in range(7)}
    for name in made:
        rekognition.create_project(ProjectName=name)
    pages = rekognition.get_paginator("describe_projects").paginate(
        PaginationConfig={"PageSize": 3}
    )
    seen = [
        p["ProjectArn"].split(":project/")[1].split("/")[0]
        for page in pages
        for p in page["ProjectDescriptions"]
    ]
    assert sorted(seen) == sorted(made)


def test_a_bad_project_name_is_an_invalid_parameter(rekognition: Any, error_of: Any) -> None:
    with pytest.raises(ClientError) as caught:
        rekognition.create_project(ProjectName="no spaces")
    assert error_of(caught.value) == "InvalidParameterException"


def test_a_bad_pagination_token_is_refused(rekognition: Any, error_of: Any) -> None:
    with pytest.raises(ClientError) as caught:
        rekognition.describe_projects(NextToken="bm90LWEta2V5")
    assert error_of(caught.value) == "InvalidPaginationTokenException"
