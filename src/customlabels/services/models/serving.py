"""Serving versions: start (load), stop (unload), detect, with the hosted semantics.

A started version is RUNNING in the database and loaded in this process; another serving
process loads it on its first detection and keeps it, so every answer after the first
comes without reloading. Detecting with a version that is not RUNNING is refused
(ResourceNotReady), except for the CLI's one-off ``detect``, which loads it for one call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

from customlabels.errors import InvalidInput, ResourceInUse, ResourceNotReady
from customlabels.services.context import Context
from customlabels.services.models import artifacts, versions
from customlabels.services.models.detection_images import image_for_detection
from customlabels.services.models.versions import VersionInfo, describe_version, set_status

STARTABLE = ("TRAINING_COMPLETED", "STOPPED", "FAILED")

_loaded: dict[str, Any] = {}
_loading = threading.Lock()


def loaded_model(ctx: Context, version: VersionInfo) -> Any:
    """The version's model, loaded once per process (by its model files' key)."""
    if version.artifact_key is None:
        raise ResourceNotReady(f"model version {version.name!r} has no trained model")
    model = _loaded.get(version.artifact_key)
    if model is not None:
        return model
    with _loading:
        model = _loaded.get(version.artifact_key)
        if model is None:
            from customlabels.training import Model

            model = Model.load(artifacts.unpacked(ctx, version.artifact_key))
            _loaded[version.artifact_key] = model
    return model


def is_loaded(version: VersionInfo) -> bool:
    """Whether this process holds the version's model."""
    return version.artifact_key is not None and version.artifact_key in _loaded


def _unload(version: VersionInfo) -> None:
    if version.artifact_key is not None:
        _loaded.pop(version.artifact_key, None)


def start_version(ctx: Context, project: str, name: str) -> VersionInfo:
    """STARTING, load the model here, RUNNING (FAILED with the reason if it won't load)."""
    version = describe_version(ctx, project, name)
    if version.status in ("STARTING", "RUNNING"):
        raise ResourceInUse(f"model version {name!r} is {version.status} already")
    if version.status not in STARTABLE or not version.trained:
        raise ResourceNotReady(
            f"model version {name!r} is {version.status}: only a trained version can be started"
        )
    if not set_status(ctx, version.id, "STARTING", "The model is starting.", only_from=STARTABLE):
        raise ResourceInUse(f"model version {name!r} is being started or stopped elsewhere")
    try:
        loaded_model(ctx, version)
    except Exception as exc:
        set_status(ctx, version.id, "FAILED", f"The model could not be loaded: {exc}")
        raise
    set_status(ctx, version.id, "RUNNING", "The model is running.", only_from=("STARTING",))
    versions.record_version_event(ctx, project, "version.start", name)
    return describe_version(ctx, project, name)


def stop_version(ctx: Context, project: str, name: str) -> VersionInfo:
    """Stop a running version (STOPPING, unloaded, STOPPED) or a training in progress."""
    version = describe_version(ctx, project, name)
    if version.status == "TRAINING_IN_PROGRESS":
        return versions.stop_training(ctx, project, name)
    if version.status not in ("RUNNING", "STARTING", "FAILED"):
        raise ResourceNotReady(f"model version {name!r} is {version.status}, not running")
    set_status(ctx, version.id, "STOPPING", "The model is stopping.")
    _unload(version)
    set_status(ctx, version.id, "STOPPED", "The model is stopped.", only_from=("STOPPING",))
    versions.record_version_event(ctx, project, "version.stop", name)
    return describe_version(ctx, project, name)


@dataclass(frozen=True)
class CustomLabel:
    """One detection: confidence 0-100; box as ratios of the upright image, or None."""

    name: str
    confidence: float
    box: tuple[float, float, float, float] | None


def detect(
    ctx: Context,
    project: str,
    name: str,
    image: bytes,
    *,
    min_confidence: float | None = None,
    max_results: int | None = None,
    load_if_stopped: bool = False,
) -> list[CustomLabel]:
    """DetectCustomLabels: the labels found, by confidence, highest first.

    Without ``min_confidence`` a label is returned when its confidence reaches the label's
    assumed threshold (chosen at evaluation); 0 returns everything.
    """
    if min_confidence is not None and not 0 <= min_confidence <= 100:
        raise InvalidInput(f"MinConfidence must be 0-100, got {min_confidence}")
    if max_results is not None and max_results < 0:
        raise InvalidInput(f"MaxResults must be 0 or more, got {max_results}")
    version = describe_version(ctx, project, name)
    if version.status != "RUNNING" and not (load_if_stopped and version.trained):
        _unload(version)  # stopped by another process: let the memory go here too
        raise ResourceNotReady(
            f"model version {name!r} is {version.status}; start it before detecting"
        )
    picture = image_for_detection(image, ctx.settings)
    return predict_images(ctx, version, [picture], min_confidence, max_results)[0]


def predict_images(
    ctx: Context,
    version: VersionInfo,
    images: list[Image.Image],
    min_confidence: float | None = None,
    max_results: int | None = None,
) -> list[list[CustomLabel]]:
    """Run the version's model over upright images, filtered and sorted as detect does."""
    model = loaded_model(ctx, version)
    thresholds = [percent(t) for t in model.thresholds]
    answers: list[list[CustomLabel]] = []
    for predictions in model.predict(images):
        found = []
        for p in predictions:
            confidence = percent(p.confidence)
            floor = thresholds[p.label] if min_confidence is None else min_confidence
            if confidence >= floor:
                box = tuple(float(v) for v in p.box) if p.box is not None else None
                found.append(CustomLabel(model.label_names[p.label], confidence, box))  # type: ignore[arg-type]
        found.sort(key=lambda c: -c.confidence)
        answers.append(found[:max_results] if max_results is not None else found)
    return answers


def percent(score: float) -> float:
    """The training code scores 0-1; the hosted API speaks 0-100."""
    return round(float(score) * 100.0, 3)
