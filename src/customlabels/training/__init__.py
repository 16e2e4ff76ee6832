"""Pure model code: backbone, classifier, detector, evaluation, prediction, ONNX export.

Imports nothing of the database, services or web. Importing this package does not import
torch: the types and :class:`Model` are torch-free at import, and ``train``, ``evaluate``
and ``export_onnx`` import the heavy modules when called.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from customlabels.training.model import Model
from customlabels.training.progress import never_stop, no_progress
from customlabels.training.types import (
    Box,
    Prediction,
    Progress,
    Sample,
    Task,
    TrainConfig,
    TrainingStopped,
    UnreadableImage,
)

if TYPE_CHECKING:
    from customlabels.training.evaluation import Evaluation


def train(
    task: Task,
    label_names: Sequence[str],
    samples: Sequence[Sample],
    config: TrainConfig,
    on_progress: Callable[[Progress], None] = no_progress,
    should_stop: Callable[[], bool] = never_stop,
) -> Model:
    """Train a model (see :func:`customlabels.training.fitting.train`)."""
    from customlabels.training.fitting import train as _train

    return _train(task, label_names, samples, config, on_progress, should_stop)


def evaluate(
    model: Model,
    samples: Sequence[Sample],
    on_progress: Callable[[Progress], None] = no_progress,
    adopt_thresholds: bool = False,
) -> Evaluation:
    """Measure ``model`` on test samples (see :func:`customlabels.training.evaluation.evaluate`)."""
    from customlabels.training.evaluation import evaluate as _evaluate

    return _evaluate(model, samples, on_progress, adopt_thresholds)


def export_onnx(model: Model, out_dir: Path) -> Path:
    """Write ``model.onnx`` and ``labels.json``; returns the ONNX file's path."""
    from customlabels.training.onnx_export import export_onnx as _export

    return _export(model, out_dir)


def __getattr__(name: str) -> object:
    if name == "Evaluation":  # a class of the evaluation module, which needs numpy only
        from customlabels.training.evaluation import Evaluation

        return Evaluation
    raise AttributeError(name)


__all__ = [
    "Box",
    "Evaluation",
    "Model",
    "Prediction",
    "Progress",
    "Sample",
    "Task",
    "TrainConfig",
    "TrainingStopped",
    "UnreadableImage",
    "evaluate",
    "export_onnx",
    "train",
]
