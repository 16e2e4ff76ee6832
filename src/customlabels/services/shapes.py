"""Our records in the hosted service's JSON shapes (CLI ``--json``, later the compatible API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from customlabels.services.arns import dataset_arn, project_arn
from customlabels.services.datasets import DatasetInfo
from customlabels.services.jobs import JobInfo
from customlabels.services.labels import DatasetLabelInfo
from customlabels.services.projects import ProjectInfo


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def project_description(project: ProjectInfo) -> dict[str, Any]:
    return {
        "ProjectArn": project_arn(project.name, project.created_at),
        "ProjectName": project.name,
        "CreationTimestamp": iso(project.created_at),
        "Status": "CREATED",
        "Feature": "CUSTOM_LABELS",
        "Datasets": [
            {
                "CreationTimestamp": iso(d.created_at),
                "DatasetType": d.dataset_type,
                "DatasetArn": dataset_arn(
                    project.name, project.created_at, d.dataset_type, d.created_at
                ),
                "Status": d.status,
                "StatusMessage": d.status_message,
                "StatusMessageCode": d.status_message_code,
            }
            for d in project.datasets
        ],
    }


def dataset_description(info: DatasetInfo) -> dict[str, Any]:
    return {
        "CreationTimestamp": iso(info.created_at),
        "LastUpdatedTimestamp": iso(info.updated_at),
        "DatasetType": info.dataset_type,
        "Status": info.status,
        "StatusMessage": info.status_message,
        "StatusMessageCode": info.status_message_code,
        "DatasetStats": {
            "LabeledEntries": info.stats.labeled_entries,
            "TotalEntries": info.stats.total_entries,
            "TotalLabels": info.stats.total_labels,
            "ErrorEntries": info.stats.error_entries,
        },
    }


def dataset_label_description(label: DatasetLabelInfo) -> dict[str, Any]:
    return {
        "LabelName": label.name,
        "LabelStats": {"EntryCount": label.entry_count, "BoundingBoxCount": label.box_count},
    }


def job_description(job: JobInfo) -> dict[str, Any]:
    return {
        "JobId": job.id,
        "Kind": job.kind,
        "Status": job.status,
        "Done": job.done,
        "Total": job.total,
        "Errors": job.error_count,
        "Message": job.message,
        "Result": job.result,
        "CreationTimestamp": iso(job.created_at),
        "StartTimestamp": iso(job.started_at),
        "EndTimestamp": iso(job.finished_at),
    }
