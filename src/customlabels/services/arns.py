"""ARNs in the hosted service's shape, so scripts written for it parse ours."""

from __future__ import annotations

from datetime import datetime

ACCOUNT = "000000000000"
REGION = "local"


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def project_arn(name: str, created: datetime) -> str:
    return f"arn:aws:rekognition:{REGION}:{ACCOUNT}:project/{name}/{_millis(created)}"


def dataset_arn(project: str, project_created: datetime, kind: str, created: datetime) -> str:
    return f"{project_arn(project, project_created)}/dataset/{kind.lower()}/{_millis(created)}"


def version_arn(project: str, project_created: datetime, version: str, created: datetime) -> str:
    return f"{project_arn(project, project_created)}/version/{version}/{_millis(created)}"
