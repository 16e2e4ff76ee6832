"""Tags by ARN and project policies, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from customlabels.errors import AlreadyExists, InvalidPolicyRevision, TooLarge
from customlabels.services import project_policies, projects, tags
from customlabels.services.arns import project_arn


def test_deleting_a_project_drops_the_tags_under_its_arn_only(ctx) -> None:
    info = projects.create_project(ctx, "a_b")
    arn = project_arn(info.name, info.created_at)
    tags.tag_resource(ctx, arn, {"k": "1"})
    tags.tag_resource(ctx, arn + "/version/v1/1", {"k": "2"})
    # '_' is a LIKE wildcard: a look-alike ARN must keep its tags.
    other = arn.replace("a_b", "aXb")
    tags.tag_resource(ctx, other, {"k": "3"})
    projects.delete_project(ctx, "a_b")
    assert tags.list_tags(ctx, arn) == {} and tags.list_tags(ctx, arn + "/version/v1/1") == {}
    assert tags.list_tags(ctx, other) == {"k": "3"}


def test_a_resource_holds_at_most_fifty_tags(ctx) -> None:
    tags.tag_resource(ctx, "arn:x", {f"k{i}": "v" for i in range(50)})
    tags.tag_resource(ctx, "arn:x", {"k0": "replaced"})  # a replaced value is no new tag
    with pytest.raises(TooLarge):
        tags.tag_resource(ctx, "arn:x", {"one-more": "v"})
    assert tags.list_tags(ctx, "arn:x")["k0"] == "replaced"


def test_a_policy_write_needs_the_current_revision(ctx) -> None:
    projects.create_project(ctx, "shared")
    first = project_policies.put_policy(ctx, "shared", "p", "{}")
    with pytest.raises(AlreadyExists):
        project_policies.put_policy(ctx, "shared", "p", "{}")
    second = project_policies.put_policy(ctx, "shared", "p", '{"a": 1}', first.revision_id)
    with pytest.raises(InvalidPolicyRevision):
        project_policies.put_policy(ctx, "shared", "p", "{}", first.revision_id)
    (kept,) = project_policies.list_policies(ctx, "shared")
    assert (kept.revision_id, kept.document) == (second.revision_id, '{"a": 1}')
    projects.delete_project(ctx, "shared")  # the policies go with it (foreign key cascade)
    projects.create_project(ctx, "shared")
    assert project_policies.list_policies(ctx, "shared") == []
