"""Values in the compatible API's encoding: timestamps as epoch seconds (as botocore
parses them), ARNs read back into our names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from customlabels.compat.errors import CompatError, invalid_parameter
from customlabels.errors import ProjectNotFound, VersionNotFound
from customlabels.services import projects
from customlabels.services.arns import dataset_arn, project_arn
from customlabels.services.context import Context
from customlabels.services.models import versions


def epoch(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment else None


def with_epochs(value: Any) -> Any:
    """A shape of services/shapes.py with its ISO timestamps as epoch seconds."""
    if isinstance(value, dict):
        return {k: _timestamp(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_epochs(v) for v in value]
    return value


def _timestamp(key: str, value: Any) -> Any:
    if isinstance(value, str) and key.endswith("Timestamp"):
        return datetime.fromisoformat(value).timestamp()
    return with_epochs(value)


def required(params: dict[str, Any], name: str) -> Any:
    if params.get(name) in (None, ""):
        raise invalid_parameter(f"{name} is required")
    return params[name]


def project_name_of_arn(ctx: Context, arn: str) -> str:
    """The project an ARN names (``...:project/NAME/MILLIS`` and anything under it).

    The creation time in the ARN must match: a project deleted and made again under the
    same name is a different resource, as in the hosted service.
    """
    parts = arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("project/"):
        raise invalid_parameter(f"not a project ARN: {arn!r}")
    segments = parts[5].split("/")
    if len(segments) < 3:
        raise invalid_parameter(f"not a project ARN: {arn!r}")
    name = segments[1]
    try:
        created = projects.describe_project(ctx, name).created_at
    except ProjectNotFound:
        created = None
    if created is None or project_arn(name, created) != "/".join(
        [f"{':'.join(parts[:5])}:project", name, segments[2]]
    ):
        raise CompatError("ResourceNotFoundException", f"no project with ARN {arn}")
    return name


def dataset_of_arn(ctx: Context, arn: str) -> tuple[str, str]:
    """The project and dataset type (TRAIN or TEST) a dataset ARN names
    (``...:project/NAME/MILLIS/dataset/train|test/MILLIS``).

    Both creation times must match, as for projects: a dataset deleted and made again is
    another resource, and its old ARN names nothing.
    """
    segments = arn.split(":", 5)[-1].split("/")
    if len(segments) != 6 or segments[3] != "dataset" or segments[4] not in ("train", "test"):
        raise invalid_parameter(f"not a dataset ARN: {arn!r}")
    project = project_name_of_arn(ctx, arn)
    kind = segments[4].upper()
    info = projects.describe_project(ctx, project)
    arns = [
        dataset_arn(project, info.created_at, d.dataset_type, d.created_at) for d in info.datasets
    ]
    if arn not in arns:
        raise CompatError("ResourceNotFoundException", f"no dataset with ARN {arn}")
    return project, kind


def project_in(field: str) -> Callable[[Context, dict[str, Any]], str | None]:
    """An Operation's ``project_of``: the project of the ARN in parameter ``field``.

    Only the project part is read, so who may see the project is decided before anything
    in it is looked up: a version's existence is not revealed to others.
    """

    def project_of(ctx: Context, params: dict[str, Any]) -> str | None:
        return project_name_of_arn(ctx, required(params, field))

    return project_of


def version_of_arn(ctx: Context, arn: str) -> tuple[str, str]:
    """(project, version) of ``...:project/NAME/MILLIS/version/VNAME/MILLIS``.

    Both creation times must match, as for projects: a version deleted and trained again
    under the same name is another resource.
    """
    project = project_name_of_arn(ctx, arn)
    segments = arn.split(":", 5)[5].split("/")
    if len(segments) != 6 or segments[3] != "version":
        raise invalid_parameter(f"not a model version ARN: {arn!r}")
    try:
        info = versions.describe_version(ctx, project, segments[4])
    except VersionNotFound:
        info = None
    if info is None or info.arn != arn:
        raise CompatError("ResourceNotFoundException", f"no model version with ARN {arn}")
    return project, info.name


def check_resource_arn(ctx: Context, arn: str) -> None:
    """That ``arn`` names a project, a model version or a dataset that exists now."""
    project = project_name_of_arn(ctx, arn)
    segments = arn.split(":", 5)[5].split("/")
    if len(segments) == 3:
        return
    if segments[3] == "version":
        version_of_arn(ctx, arn)
        return
    info = projects.describe_project(ctx, project)
    if segments[3] != "dataset" or arn not in {
        dataset_arn(project, info.created_at, d.dataset_type, d.created_at) for d in info.datasets
    }:
        raise CompatError("ResourceNotFoundException", f"no resource with ARN {arn}")
