"""CreateDataset, DescribeDataset, DeleteDataset, ListDatasetEntries, ListDatasetLabels,
UpdateDatasetEntries, DistributeDatasetEntries.

Each calls the service function its REST route calls; creating from a source, updating and
distributing are jobs, handed to the queue as the REST routes hand them.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from customlabels.compat.errors import invalid_parameter
from customlabels.compat.ops_projects import project_of_project_arn
from customlabels.compat.pages import max_results, page_of
from customlabels.compat.registry import CompatRequest, Operation
from customlabels.compat.shapes import (
    dataset_of_arn,
    project_name_of_arn,
    required,
    with_epochs,
)
from customlabels.services import datasets, entries, labels, projects, split
from customlabels.services.arns import dataset_arn
from customlabels.services.context import Context
from customlabels.services.datasets import DatasetInfo
from customlabels.services.entry_lines import entry_line
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports.s3_sources import check_manifest_object
from customlabels.services.imports.start import (
    save_changes,
    start_dataset_create,
    start_dataset_update,
)
from customlabels.services.roles import Role
from customlabels.services.shapes import dataset_description, dataset_label_description
from customlabels.services.submit import submit_job
from customlabels.storage.s3 import s3_uri

PAGE_MAX = 100  # the hosted MaxResults limit of both listings


def _arn_of(ctx: Context, info: DatasetInfo) -> str:
    created = projects.describe_project(ctx, info.project).created_at
    return dataset_arn(info.project, created, info.dataset_type, info.created_at)


def _source(ctx: Context, spec: dict[str, Any]) -> dict[str, Any]:
    """Our import source for a DatasetSource. Neither kind names a path on the server, so
    no server-path check applies (the REST API's checked_source passes both through)."""
    manifest, copied = spec.get("GroundTruthManifest"), spec.get("DatasetArn")
    if (manifest is None) == (copied is None):
        raise invalid_parameter("DatasetSource needs one of GroundTruthManifest or DatasetArn")
    if copied is not None:
        project, kind = dataset_of_arn(ctx, copied)
        return {"kind": "dataset", "project": project, "type": kind}
    obj = manifest.get("S3Object") if isinstance(manifest, dict) else None
    if not isinstance(obj, dict) or not obj.get("Bucket") or not obj.get("Name"):
        raise invalid_parameter("GroundTruthManifest.S3Object needs Bucket and Name")
    if obj.get("Version"):  # refused rather than silently reading the newest version
        raise invalid_parameter("S3 object versions are not supported: leave Version out")
    uri = s3_uri(obj["Bucket"], obj["Name"])
    check_manifest_object(ctx, uri)
    return {"kind": "manifest", "path": uri}


def create_dataset(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    ctx = req.ctx
    project = project_name_of_arn(ctx, required(params, "ProjectArn"))
    kind = required(params, "DatasetType")
    spec = params.get("DatasetSource")
    if not spec:
        info = datasets.create_empty_dataset(ctx, project, kind)
    else:
        job_id = start_dataset_create(ctx, project, kind, _source(ctx, spec))
        submit_job(ctx, req.queue, job_id)
        info = datasets.describe_dataset(ctx, project, kind)
    return {"DatasetArn": _arn_of(ctx, info)}


def describe_dataset(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    info = datasets.describe_dataset(req.ctx, *dataset_of_arn(req.ctx, _dataset_arn(params)))
    return {"DatasetDescription": with_epochs(dataset_description(info))}


def delete_dataset(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    datasets.delete_dataset(req.ctx, *dataset_of_arn(req.ctx, _dataset_arn(params)))
    return {}


def _flag(params: dict[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is not None and not isinstance(value, bool):
        raise invalid_parameter(f"{name} must be true or false")
    return value


def _filter(params: dict[str, Any]) -> EntryFilter:
    names = params.get("ContainsLabels") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise invalid_parameter("ContainsLabels must be a list of label names")
    contains = params.get("SourceRefContains")
    if contains is not None and not isinstance(contains, str):
        raise invalid_parameter("SourceRefContains must be a string")
    return EntryFilter(
        contains_labels=tuple(names),
        labeled=_flag(params, "Labeled"),
        source_ref_contains=contains or None,
        has_errors=_flag(params, "HasErrors"),
    )


def list_dataset_entries(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project, kind = dataset_of_arn(req.ctx, _dataset_arn(params))
    # Paged in the database by the service's cursor, as the REST listing is.
    page = entries.list_entries(
        req.ctx,
        project,
        kind,
        _filter(params),
        next_token=params.get("NextToken") or None,
        limit=max_results(params, PAGE_MAX),
    )
    answer: dict[str, Any] = {"DatasetEntries": [entry_line(v) for v in page.entries]}
    if page.next_token:
        answer["NextToken"] = page.next_token
    return answer


def list_dataset_labels(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    found = labels.dataset_labels(req.ctx, *dataset_of_arn(req.ctx, _dataset_arn(params)))
    # The hosted service lists labels in name order (ours come in the console's order);
    # names are unique in a project, so the name is the page token.
    found.sort(key=lambda x: x.name)
    items, token = page_of(found, params, key=lambda x: x.name, limit_max=PAGE_MAX)
    answer: dict[str, Any] = {
        "DatasetLabelDescriptions": [dataset_label_description(x) for x in items]
    }
    if token:
        answer["NextToken"] = token
    return answer


def _lines_of(changes: Any) -> list[str]:
    """The JSON lines of ``Changes.GroundTruth``: a blob, which the JSON protocol sends as
    base64 text."""
    blob = changes.get("GroundTruth") if isinstance(changes, dict) else None
    if not isinstance(blob, str) or not blob:
        raise invalid_parameter("Changes.GroundTruth is required")
    try:
        text = base64.b64decode(blob, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise invalid_parameter("Changes.GroundTruth is not base64 of UTF-8 text") from None
    lines = text.splitlines()
    if not lines:
        raise invalid_parameter("Changes.GroundTruth holds no JSON lines")
    return lines


def update_dataset_entries(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project, kind = dataset_of_arn(req.ctx, _dataset_arn(params))
    lines = _lines_of(params.get("Changes"))
    path = save_changes(req.ctx, lines)  # ours, in the data dir, as the REST route keeps them
    job_id = start_dataset_update(
        req.ctx, project, kind, {"kind": "manifest", "path": str(path), "sent_lines": True}
    )
    submit_job(req.ctx, req.queue, job_id)
    return {}


def distribute_dataset_entries(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    named = params.get("Datasets")
    if not isinstance(named, list) or len(named) != 2:
        raise invalid_parameter("Datasets must name the TRAIN and the TEST dataset of a project")
    found = {dataset_of_arn(req.ctx, required(d, "Arn")) for d in named}
    projects_named = {p for p, _ in found}
    if len(projects_named) != 1 or {k for _, k in found} != {"TRAIN", "TEST"}:
        raise invalid_parameter("Datasets must be the TRAIN and the TEST dataset of one project")
    job_id = split.start_distribute(req.ctx, projects_named.pop(), None)
    submit_job(req.ctx, req.queue, job_id)
    return {}


def _dataset_arn(params: dict[str, Any]) -> str:
    arn = required(params, "DatasetArn")
    if not isinstance(arn, str):
        raise invalid_parameter("DatasetArn must be a string")
    return arn


def _project_of_dataset_arn(ctx: Context, params: dict[str, Any]) -> str | None:
    return project_name_of_arn(ctx, _dataset_arn(params))


def _project_of_first_dataset(ctx: Context, params: dict[str, Any]) -> str | None:
    named = params.get("Datasets")
    if not isinstance(named, list) or not named or not isinstance(named[0], dict):
        raise invalid_parameter("Datasets must name the TRAIN and the TEST dataset of a project")
    return project_name_of_arn(ctx, required(named[0], "Arn"))


def _copied_project(ctx: Context, params: dict[str, Any]) -> str | None:
    spec = params.get("DatasetSource")
    arn = spec.get("DatasetArn") if isinstance(spec, dict) else None
    return project_name_of_arn(ctx, arn) if isinstance(arn, str) else None


OPERATIONS = {
    "CreateDataset": Operation(
        create_dataset, Role.EDITOR, project_of_project_arn, reads_from=_copied_project
    ),
    "DescribeDataset": Operation(describe_dataset, Role.VIEWER, _project_of_dataset_arn),
    "DeleteDataset": Operation(delete_dataset, Role.EDITOR, _project_of_dataset_arn),
    "ListDatasetEntries": Operation(list_dataset_entries, Role.VIEWER, _project_of_dataset_arn),
    "ListDatasetLabels": Operation(list_dataset_labels, Role.VIEWER, _project_of_dataset_arn),
    "UpdateDatasetEntries": Operation(update_dataset_entries, Role.EDITOR, _project_of_dataset_arn),
    "DistributeDatasetEntries": Operation(
        distribute_dataset_entries, Role.EDITOR, _project_of_first_dataset
    ),
}
