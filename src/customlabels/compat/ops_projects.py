"""CreateProject, DescribeProjects, DeleteProject."""

from __future__ import annotations

from typing import Any

from customlabels.compat.errors import invalid_parameter
from customlabels.compat.pages import page_of
from customlabels.compat.registry import CompatRequest, Operation
from customlabels.compat.shapes import project_in, project_name_of_arn, required, with_epochs
from customlabels.services import projects
from customlabels.services.arns import project_arn
from customlabels.services.project_access import visible_projects
from customlabels.services.roles import Role
from customlabels.services.shapes import project_description


def create_project(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    feature = params.get("Feature", "CUSTOM_LABELS")
    if feature != "CUSTOM_LABELS":
        raise invalid_parameter(f"Feature {feature!r} is not offered: only CUSTOM_LABELS")
    info = projects.create_project(req.ctx, required(params, "ProjectName"))
    return {"ProjectArn": project_arn(info.name, info.created_at)}


def describe_projects(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    features = params.get("Features")
    if features is not None and "CUSTOM_LABELS" not in features:
        return {"ProjectDescriptions": []}
    found = projects.list_projects(req.ctx, visible_projects(req.principal))
    names = params.get("ProjectNames")
    if names:
        found = [p for p in found if p.name in set(names)]
    # Newest first, as the hosted service lists them.
    found.sort(key=lambda p: (p.created_at, p.id), reverse=True)
    items, token = page_of(found, params, key=lambda p: str(p.id), limit_max=100)
    answer: dict[str, Any] = {
        "ProjectDescriptions": [with_epochs(project_description(p)) for p in items]
    }
    if token:
        answer["NextToken"] = token
    return answer


def delete_project(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    name = project_name_of_arn(req.ctx, required(params, "ProjectArn"))
    projects.delete_project(req.ctx, name)
    return {"Status": "DELETING"}


OPERATIONS = {
    "CreateProject": Operation(create_project, Role.EDITOR),
    "DescribeProjects": Operation(describe_projects, Role.VIEWER),
    "DeleteProject": Operation(delete_project, Role.EDITOR, project_in("ProjectArn")),
}

# The project of an operation's ProjectArn (shared with the dataset operations).
project_of_project_arn = project_in("ProjectArn")
