"""Model versions and detections in the hosted service's JSON shapes
(DescribeProjectVersions, the evaluation summary file, DetectCustomLabels)."""

from __future__ import annotations

from typing import Any

from customlabels.services.models.serving import CustomLabel
from customlabels.services.models.versions import VersionInfo
from customlabels.services.shapes import iso

BUCKET = "customlabels"  # our stand-in for the hosted S3 bucket names in asset shapes


def _asset(key: str) -> dict[str, Any]:
    return {"GroundTruthManifest": {"S3Object": {"Bucket": BUCKET, "Name": key}}}


def version_description(v: VersionInfo) -> dict[str, Any]:
    """A ProjectVersionDescription, plus our ``Task``, ``VersionName`` and ``Progress``."""
    out: dict[str, Any] = {
        "ProjectVersionArn": v.arn,
        "VersionName": v.name,
        "CreationTimestamp": iso(v.created_at),
        "Status": v.status,
        "StatusMessage": v.status_message,
        "Feature": "CUSTOM_LABELS",
        "Task": v.task,
    }
    if v.status == "RUNNING":
        out["MinInferenceUnits"] = out["MaxInferenceUnits"] = 1
    if v.trained and v.training_started_at and v.finished_at:
        out["TrainingEndTimestamp"] = iso(v.finished_at)
        seconds = (v.finished_at - v.training_started_at).total_seconds()
        out["BillableTrainingTimeInSeconds"] = max(0, int(seconds))
    train, test = v.snapshots.get("TRAIN"), v.snapshots.get("TEST")
    if train is not None:
        out["TrainingDataResult"] = {
            "Input": {"Assets": [_asset(train.blob_key)]},
            "Output": {"Assets": [_asset(train.blob_key)]},
        }
    if test is not None:
        out["TestingDataResult"] = {
            "Input": {
                "Assets": [] if test.held_out else [_asset(test.blob_key)],
                "AutoCreate": test.held_out,
            },
            "Output": {"Assets": [_asset(test.blob_key)], "AutoCreate": test.held_out},
        }
    if train is not None and test is not None:
        out["ManifestSummary"] = {
            "TrainingImages": train.entry_count,
            "TestingImages": test.entry_count,
            "Labels": len(v.label_names),
        }
    if v.evaluation:
        aggregated = v.evaluation.get("AggregatedEvaluationResults") or {}
        out["EvaluationResult"] = {
            "F1Score": aggregated.get("F1Score"),
            # No S3 here: the object's name is the path, on this server, of the REST route
            # that serves the summary file (GET it with an API key as a bearer token).
            "Summary": {"S3Object": {"Bucket": BUCKET, "Name": evaluation_summary_path(v)}},
        }
    if v.source_version_arn:
        out["SourceProjectVersionArn"] = v.source_version_arn
    if v.status in ("TRAINING_IN_PROGRESS", "STOPPING") and v.progress:
        out["Progress"] = v.progress
    return out


def evaluation_summary_path(v: VersionInfo) -> str:
    """Where the summary file is served: a path under this server's root URL."""
    return f"api/v1/projects/{v.project}/versions/{v.name}/evaluation-summary"


def evaluation_summary(v: VersionInfo) -> dict[str, Any]:
    """The evaluation summary file (empty until the version is trained)."""
    return dict(v.evaluation or {})


def custom_label(label: CustomLabel) -> dict[str, Any]:
    out: dict[str, Any] = {"Name": label.name, "Confidence": label.confidence}
    if label.box is not None:
        left, top, width, height = label.box
        out["Geometry"] = {
            "BoundingBox": {"Width": width, "Height": height, "Left": left, "Top": top},
            "Polygon": [
                {"X": left, "Y": top},
                {"X": left + width, "Y": top},
                {"X": left + width, "Y": top + height},
                {"X": left, "Y": top + height},
            ],
        }
    return out
