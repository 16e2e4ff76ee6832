"""``train()``: one entry point for every task."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import torch

from customlabels.training.allocator import tune_for_training
from customlabels.training.backbone import resolve_device, set_threads
from customlabels.training.model import Model
from customlabels.training.progress import Reporter, never_stop, no_progress
from customlabels.training.types import Progress, Sample, Task, TrainConfig

# Fine-tuning the last blocks pays on many photos and costs on few: on the clothing photos
# (1,000) it added a point of accuracy over the head alone; on the shoes (50) it lost 2 to
# 18 points, whatever the epochs. Below this many images the head trains alone, unless the
# config says either way or sets ``epochs`` (which only fine-tuning has, so setting them
# asks for it); the resolved config records which.
FINE_TUNE_MIN_IMAGES = 500

# Stage weights: their share of a typical training's time, so progress moves evenly.
_PLANS = {
    "classification": {"features": 0.6, "training": 0.05, "fine-tuning": 0.33, "thresholds": 0.02},
    "detection": {"features": 0.1, "training": 0.85, "thresholds": 0.05},
}


def train(
    task: Task,
    label_names: Sequence[str],
    samples: Sequence[Sample],
    config: TrainConfig,
    on_progress: Callable[[Progress], None] = no_progress,
    should_stop: Callable[[], bool] = never_stop,
) -> Model:
    """Train a model for ``task`` on ``samples`` (labels index ``label_names``).

    Raises :class:`TrainingStopped` once ``should_stop()`` returns true (checked at least
    once per batch) and :class:`UnreadableImage` for an image that does not decode. Which
    projects may train (label counts and the like) is the services' rule, not this one's.
    """
    task = Task(task)
    tune_for_training()
    if not samples:
        raise ValueError("no images to train on")
    if not label_names:
        raise ValueError("no labels to train")
    if config.fine_tune is None and config.epochs is None and task != Task.DETECTION:
        config = dataclasses.replace(config, fine_tune=len(samples) >= FINE_TUNE_MIN_IMAGES)
    resolved = config.resolved(task)
    resolve_device(resolved.device or "cpu")
    set_threads()
    torch.manual_seed(resolved.seed)
    np.random.seed(resolved.seed)
    if task == Task.DETECTION:
        from customlabels.training.detector_thresholds import detection_thresholds
        from customlabels.training.detector_training import train_detector

        reporter = Reporter(on_progress, should_stop, _PLANS["detection"])
        detector = train_detector(len(label_names), samples, resolved, reporter)
        model = Model(task, label_names, resolved, [0.5] * len(label_names), detector, len(samples))
        model.thresholds = detection_thresholds(model, samples, reporter)
    else:
        from customlabels.training.classifier import train_classifier

        reporter = Reporter(on_progress, should_stop, _PLANS["classification"])
        net, thresholds = train_classifier(task, len(label_names), samples, resolved, reporter)
        model = Model(task, label_names, resolved, thresholds, net, len(samples))
    reporter.step("thresholds", 1, 1, force=True)
    return model
