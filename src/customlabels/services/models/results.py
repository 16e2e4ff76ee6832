"""A trained version's results on its test images: truth and every scored prediction.

The training job stores the raw scores of the evaluation (per test image its true labels
and boxes and every prediction down to a low confidence) so that thresholds can be
explored after the fact. This module reads them back for people: label indices become
names, and each image is tied to the TEST snapshot's entry (source-ref, entry id, asset
hash for its thumbnail) by the image's hash, which names the file the job trained from.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import orjson

from customlabels.errors import ResourceNotReady
from customlabels.services.context import Context
from customlabels.services.models import snapshots
from customlabels.services.models.snapshots import SnapEntry
from customlabels.services.models.versions import describe_version


@dataclass(frozen=True)
class ScoredLabel:
    """A true box (confidence None) or a prediction; box as ratios of the upright image."""

    label: str
    confidence: float | None
    box: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class ImageResult:
    sha256: str
    entry_id: int | None
    source_ref: str | None
    width: int
    height: int
    true_labels: list[str]
    true_boxes: list[ScoredLabel]
    predictions: list[ScoredLabel]


@dataclass(frozen=True)
class VersionResults:
    task: str
    label_names: list[str]
    thresholds: list[float]
    iou_threshold: float | None
    images: list[ImageResult]


def _box(item: dict[str, Any]) -> tuple[float, float, float, float] | None:
    if "Left" not in item:
        return None
    return (float(item["Left"]), float(item["Top"]), float(item["Width"]), float(item["Height"]))


def _image(raw: dict[str, Any], names: list[str], entries: dict[str, SnapEntry]) -> ImageResult:
    # The job trains from files named by the image's SHA-256 (services/models/images.py).
    sha256 = PurePath(str(raw["Image"])).name
    entry = entries.get(sha256)
    return ImageResult(
        sha256=sha256,
        entry_id=entry.entry_id if entry else None,
        source_ref=entry.source_ref if entry else None,
        width=int(raw["Width"]),
        height=int(raw["Height"]),
        true_labels=[names[i] for i in raw.get("TrueLabels", [])],
        true_boxes=[
            ScoredLabel(names[b["Label"]], None, _box(b)) for b in raw.get("TrueBoxes", [])
        ],
        predictions=[
            ScoredLabel(names[p["Label"]], float(p["Confidence"]), _box(p))
            for p in raw.get("Predictions", [])
        ],
    )


def version_results(ctx: Context, project: str, name: str) -> VersionResults:
    """Every test image of a trained version with its truth and scored predictions
    (confidences 0..1, the scale of the thresholds); ResourceNotReady before training ends."""
    version = describe_version(ctx, project, name)
    if version.raw_scores_key is None:
        raise ResourceNotReady(
            f"model version {name!r} is {version.status}: it has no test results yet"
        )
    raw = orjson.loads(gzip.decompress(ctx.blobs.get(version.raw_scores_key)))
    names = list(raw.get("Labels") or version.label_names)
    entries: dict[str, SnapEntry] = {}
    test = version.snapshots.get("TEST")
    if test is not None:
        for entry in snapshots.load(ctx.blobs, test.blob_key).entries:
            entries.setdefault(entry.sha256, entry)
    return VersionResults(
        task=str(raw.get("Task") or version.task),
        label_names=names,
        thresholds=[float(t) for t in raw.get("Thresholds") or version.thresholds],
        iou_threshold=raw.get("IouThreshold"),
        images=[_image(im, names, entries) for im in raw.get("Images", [])],
    )
