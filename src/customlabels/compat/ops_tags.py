"""TagResource, UntagResource, ListTagsForResource (on project, model version and dataset
ARNs); PutProjectPolicy, ListProjectPolicies, DeleteProjectPolicy."""

from __future__ import annotations

from typing import Any

from customlabels.compat.errors import invalid_parameter
from customlabels.compat.pages import page_of
from customlabels.compat.registry import CompatRequest, Operation
from customlabels.compat.shapes import (
    check_resource_arn,
    epoch,
    project_in,
    project_name_of_arn,
    required,
)
from customlabels.services import project_policies, tags
from customlabels.services.arns import project_arn
from customlabels.services.roles import Role


def tag_resource(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    arn = required(params, "ResourceArn")
    given = required(params, "Tags")
    if not isinstance(given, dict):
        raise invalid_parameter("Tags must be a map of keys to values")
    check_resource_arn(req.ctx, arn)
    tags.tag_resource(req.ctx, arn, given)
    return {}


def untag_resource(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    arn = required(params, "ResourceArn")
    keys = params.get("TagKeys")
    if not isinstance(keys, list):
        raise invalid_parameter("TagKeys must be a list of keys")
    check_resource_arn(req.ctx, arn)
    tags.untag_resource(req.ctx, arn, keys)
    return {}


def list_tags_for_resource(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    arn = required(params, "ResourceArn")
    check_resource_arn(req.ctx, arn)
    return {"Tags": tags.list_tags(req.ctx, arn)}


def put_project_policy(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project = project_name_of_arn(req.ctx, required(params, "ProjectArn"))
    info = project_policies.put_policy(
        req.ctx,
        project,
        required(params, "PolicyName"),
        required(params, "PolicyDocument"),
        params.get("PolicyRevisionId") or None,
    )
    return {"PolicyRevisionId": info.revision_id}


def list_project_policies(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project = project_name_of_arn(req.ctx, required(params, "ProjectArn"))
    found = project_policies.list_policies(req.ctx, project)
    items, token = page_of(found, params, key=lambda p: p.name, limit_max=5)
    answer: dict[str, Any] = {
        "ProjectPolicies": [
            {
                "ProjectArn": project_arn(p.project, p.project_created_at),
                "PolicyName": p.name,
                "PolicyRevisionId": p.revision_id,
                "PolicyDocument": p.document,
                "CreationTimestamp": epoch(p.created_at),
                "LastUpdatedTimestamp": epoch(p.updated_at),
            }
            for p in items
        ]
    }
    if token:
        answer["NextToken"] = token
    return answer


def delete_project_policy(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project = project_name_of_arn(req.ctx, required(params, "ProjectArn"))
    project_policies.delete_policy(
        req.ctx, project, required(params, "PolicyName"), params.get("PolicyRevisionId") or None
    )
    return {}


RESOURCE = project_in("ResourceArn")
PROJECT = project_in("ProjectArn")

OPERATIONS = {
    "TagResource": Operation(tag_resource, Role.EDITOR, RESOURCE),
    "UntagResource": Operation(untag_resource, Role.EDITOR, RESOURCE),
    "ListTagsForResource": Operation(list_tags_for_resource, Role.VIEWER, RESOURCE),
    "PutProjectPolicy": Operation(put_project_policy, Role.EDITOR, PROJECT),
    "ListProjectPolicies": Operation(list_project_policies, Role.VIEWER, PROJECT),
    "DeleteProjectPolicy": Operation(delete_project_policy, Role.EDITOR, PROJECT),
}
