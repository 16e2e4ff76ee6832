"""CreateProjectVersion, DescribeProjectVersions, DeleteProjectVersion, CopyProjectVersion,
StartProjectVersion, StopProjectVersion.

``OutputConfig`` (required by botocore) is accepted and ignored: model files stay in this
server's own store, not in the user's bucket. ``KmsKeyId``, ``VersionDescription`` and
``FeatureConfig`` are ignored likewise; ``Tags`` are recorded on the new version's ARN.
"""

from __future__ import annotations

from typing import Any

from customlabels.compat.errors import invalid_parameter
from customlabels.compat.pages import page_of
from customlabels.compat.registry import CompatRequest, Operation
from customlabels.compat.shapes import (
    project_in,
    project_name_of_arn,
    required,
    version_of_arn,
    with_epochs,
)
from customlabels.services import tags
from customlabels.services.models import serving, versions
from customlabels.services.models.shapes import version_description
from customlabels.services.project_access import require_role_on
from customlabels.services.roles import Role
from customlabels.services.submit import submit_job


def _no_assets(params: dict[str, Any], name: str) -> None:
    """Trainings use the project's own datasets: a TrainingData/TestingData that names
    manifests is refused (import them with CreateDataset first). ``TestingData`` with
    ``AutoCreate`` is what happens anyway when the project has no TEST dataset."""
    given = params.get(name)
    if given is None:
        return
    if not isinstance(given, dict) or given.get("Assets"):
        raise invalid_parameter(
            f"{name} with Assets is not supported: the version trains on the project's "
            "datasets; create them with CreateDataset"
        )


def create_project_version(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project = project_name_of_arn(req.ctx, required(params, "ProjectArn"))
    name = required(params, "VersionName")
    _no_assets(params, "TrainingData")
    _no_assets(params, "TestingData")
    info = versions.create_version(req.ctx, project, name)
    if info.job_id is not None:
        # A queue that refuses the job fails it; the version then reads TRAINING_FAILED.
        submit_job(req.ctx, req.queue, info.job_id)
    if params.get("Tags"):
        tags.tag_resource(req.ctx, info.arn, params["Tags"])
    return {"ProjectVersionArn": info.arn}


def describe_project_versions(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project = project_name_of_arn(req.ctx, required(params, "ProjectArn"))
    found = versions.list_versions(req.ctx, project)  # newest first, as the service lists
    names = params.get("VersionNames")
    if names:
        wanted = set(names)
        found = [v for v in found if v.name in wanted]
    items, token = page_of(found, params, key=lambda v: str(v.id), limit_max=100)
    answer: dict[str, Any] = {
        "ProjectVersionDescriptions": [with_epochs(version_description(v)) for v in items]
    }
    if token:
        answer["NextToken"] = token
    return answer


def delete_project_version(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project, name = version_of_arn(req.ctx, required(params, "ProjectVersionArn"))
    versions.delete_version(req.ctx, project, name)
    return {"Status": "DELETING"}


def copy_project_version(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    source = project_name_of_arn(req.ctx, required(params, "SourceProjectArn"))
    project, name = version_of_arn(req.ctx, required(params, "SourceProjectVersionArn"))
    if project != source:
        raise invalid_parameter("SourceProjectVersionArn is not a version of SourceProjectArn")
    target = project_name_of_arn(req.ctx, required(params, "DestinationProjectArn"))
    # The endpoint checked the source project; the copy writes into the destination too.
    require_role_on(req.ctx, req.principal, target, Role.EDITOR)
    info = versions.copy_version(req.ctx, project, name, target, required(params, "VersionName"))
    if params.get("Tags"):
        tags.tag_resource(req.ctx, info.arn, params["Tags"])
    return {"ProjectVersionArn": info.arn}


def start_project_version(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project, name = version_of_arn(req.ctx, required(params, "ProjectVersionArn"))
    units = params.get("MinInferenceUnits", 1)
    if not isinstance(units, int) or units < 1:
        raise invalid_parameter("MinInferenceUnits must be 1 or more")
    # Accepted and not used: one server process serves a started version.
    return {"Status": serving.start_version(req.ctx, project, name).status}


def stop_project_version(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project, name = version_of_arn(req.ctx, required(params, "ProjectVersionArn"))
    return {"Status": serving.stop_version(req.ctx, project, name).status}


PROJECT = project_in("ProjectArn")
VERSION = project_in("ProjectVersionArn")

OPERATIONS = {
    "CreateProjectVersion": Operation(create_project_version, Role.EDITOR, PROJECT),
    "DescribeProjectVersions": Operation(describe_project_versions, Role.VIEWER, PROJECT),
    "DeleteProjectVersion": Operation(delete_project_version, Role.EDITOR, VERSION),
    # Editor on the source here; on the destination too, checked by the handler.
    "CopyProjectVersion": Operation(
        copy_project_version, Role.EDITOR, project_in("SourceProjectArn")
    ),
    "StartProjectVersion": Operation(start_project_version, Role.EDITOR, VERSION),
    "StopProjectVersion": Operation(stop_project_version, Role.EDITOR, VERSION),
}
