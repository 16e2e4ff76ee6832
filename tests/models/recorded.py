"""A version completed with a recorded evaluation, for tests of what is shown of one.

It goes through the service functions that the training job uses (a version asked for
with ``create_version``, its raw scores stored as the job stores them, and
``set_status`` to TRAINING_COMPLETED), but its scores come from a rule the test chooses
instead of a model: tests of the console and of the results API then know exactly which
images are right and wrong at which threshold, and run without the training code.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

import orjson

from customlabels.db.tables import utcnow
from customlabels.services.context import Context
from customlabels.services.jobs import mark_finished
from customlabels.services.models import snapshots, versions
from customlabels.services.models.snapshots import SnapEntry
from customlabels.services.models.versions import VersionInfo

# (entry, label) -> the confidence (0..1) the recorded model gives that label on that image.
Scorer = Callable[[SnapEntry, str], float]
# Detection: entry -> predicted boxes (label, confidence, left, top, width, height in ratios).
Boxer = Callable[[SnapEntry], list[tuple[str, float, float, float, float, float]]]


def _classification_image(entry: SnapEntry, names: list[str], score: Scorer) -> dict[str, Any]:
    predictions = sorted(
        ({"Label": i, "Confidence": score(entry, n)} for i, n in enumerate(names)),
        key=lambda p: -p["Confidence"],
    )
    return {
        "TrueLabels": sorted(names.index(n) for n in entry.labels),
        "TrueBoxes": [],
        "Predictions": [p for p in predictions if p["Confidence"] >= 0.01],
    }


def _detection_image(entry: SnapEntry, names: list[str], boxer: Boxer) -> dict[str, Any]:
    w, h = entry.width, entry.height
    return {
        "TrueLabels": sorted({names.index(b.label) for b in entry.boxes}),
        "TrueBoxes": [
            {
                "Label": names.index(b.label),
                "Left": b.left / w,
                "Top": b.top / h,
                "Width": b.width / w,
                "Height": b.height / h,
            }
            for b in entry.boxes
        ],
        "Predictions": [
            {
                "Label": names.index(n),
                "Confidence": c,
                "Left": x,
                "Top": y,
                "Width": bw,
                "Height": bh,
            }
            for n, c, x, y, bw, bh in boxer(entry)
        ],
    }


def _summary(names: list[str], thresholds: list[float], images: list[dict[str, Any]]) -> dict:
    """Per-label figures at the thresholds, counting image-level labels (classification) or
    predictions whose label occurs in the image (enough for a recorded detection too)."""
    results = []
    for i, name in enumerate(names):
        tp = fp = fn = 0
        for im in images:
            said = any(
                p["Label"] == i and p["Confidence"] >= thresholds[i] for p in im["Predictions"]
            )
            true = i in im["TrueLabels"]
            tp, fp, fn = tp + (said and true), fp + (said and not true), fn + (true and not said)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        results.append(
            {
                "Label": name,
                "NumberOfTestingImages": sum(i in im["TrueLabels"] for im in images),
                "Metrics": {
                    "F1Score": f1,
                    "Precision": precision,
                    "Recall": recall,
                    "Threshold": thresholds[i],
                },
            }
        )
    mean = lambda key: sum(r["Metrics"][key] for r in results) / len(results)  # noqa: E731
    return {
        "Version": 1,
        "AggregatedEvaluationResults": {
            "F1Score": mean("F1Score"),
            "Precision": mean("Precision"),
            "Recall": mean("Recall"),
        },
        "EvaluationDetails": {"Labels": names, "NumberOfTestingImages": len(images)},
        "LabelEvaluationResults": sorted(results, key=lambda r: -r["Metrics"]["F1Score"]),
    }


def _confusion(names: list[str], images: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for t, truth in enumerate(names):
        mine = [im for im in images if t in im["TrueLabels"]]
        for p, predicted in enumerate(names):
            top = [im for im in mine if im["Predictions"] and im["Predictions"][0]["Label"] == p]
            value = len(top) / len(mine) if mine else 0.0
            rows.append({"GroundTruthLabel": truth, "PredictedLabel": predicted, "Value": value})
    return rows


def complete_with_recorded_scores(
    ctx: Context,
    project: str,
    name: str | None = None,
    *,
    score: Scorer | None = None,
    boxer: Boxer | None = None,
    threshold: float = 0.5,
) -> VersionInfo:
    """Ask for a training of ``project`` and complete it with scores from ``score``
    (classification) or ``boxer`` (detection) on its TEST snapshot."""
    version = versions.create_version(ctx, project, name)
    assert version.status == "TRAINING_IN_PROGRESS", version.status_message
    names = version.label_names
    test = snapshots.load(ctx.blobs, version.snapshots["TEST"].blob_key)
    images = []
    for entry in test.entries:
        if boxer is not None:
            body = _detection_image(entry, names, boxer)
        else:
            assert score is not None, "give score (classification) or boxer (detection)"
            body = _classification_image(entry, names, score)
        images.append(
            {
                "Image": f"/cache/images/{entry.sha256[:2]}/{entry.sha256}",
                "Width": entry.width,
                "Height": entry.height,
                **body,
            }
        )
    thresholds = [threshold] * len(names)
    raw = {
        "Task": version.task,
        "Labels": names,
        "Thresholds": thresholds,
        "IouThreshold": 0.5 if boxer is not None else None,
        "Images": images,
    }
    key = f"models/{version.project_id}/versions/recorded-{version.id}-scores.json.gz"
    ctx.blobs.put(key, gzip.compress(orjson.dumps(raw)))
    summary = _summary(names, thresholds, images)
    if boxer is None:
        summary["ConfusionMatrix"] = _confusion(names, images)
    versions.set_status(
        ctx,
        version.id,
        "TRAINING_COMPLETED",
        "The model is ready.",
        thresholds=thresholds,
        evaluation=summary,
        raw_scores_key=key,
        finished_at=utcnow(),
    )
    if version.job_id is not None:  # never queued: the recorded scores stand for its run
        mark_finished(ctx, version.job_id, ok=True, message=f"trained model version {version.name}")
    return versions.describe_version(ctx, project, version.name)
