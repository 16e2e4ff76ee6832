"""Export a model to ONNX, with the labels, thresholds and preprocessing beside it.

The graph holds everything after preprocessing: for detection that includes decoding the
boxes and the suppression of overlaps (see :mod:`.boxes`), so a consumer applies nothing
but "keep where ``kept`` is true".
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, cast

import torch
from torch import nn

from customlabels.training.classifier import ClassifierNet
from customlabels.training.detector import DetectorNet
from customlabels.training.images import PIXEL_MEAN, PIXEL_STD
from customlabels.training.model import Model
from customlabels.training.onnx_graph import trace_to_onnx
from customlabels.training.types import Task

ONNX_FILE = "model.onnx"
LABELS_FILE = "labels.json"


class _Classify(nn.Module):
    def __init__(self, net: ClassifierNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.net.probabilities(self.net(image))


class _Detect(nn.Module):
    def __init__(self, net: DetectorNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, ...]:
        boxes, scores, labels, kept = self.net.detect(image)
        return boxes, scores, labels, kept


def outputs_of(task: Task) -> list[str]:
    if task == Task.DETECTION:
        return ["boxes", "scores", "labels", "kept"]
    return ["probabilities"]


def export_onnx(model: Model, out_dir: Path) -> Path:
    """Write ``model.onnx`` and ``labels.json`` into ``out_dir``; returns the ONNX path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ONNX_FILE
    export_graph(model, str(path))
    (out_dir / LABELS_FILE).write_text(json.dumps(labels_json(model), indent=2))
    return path


def export_graph(model: Model, target: str | io.BytesIO) -> None:
    """The network and its output decoding as an ONNX graph, into a file or a buffer."""
    net = model.net.to("cpu").eval()
    # Eval mode on the wrapper too: the exporter restores the wrapper's mode afterwards,
    # recursively, and a fresh module is in training mode (batch-norm on batch statistics).
    wrapper = (
        _Detect(cast(DetectorNet, net))
        if model.task == Task.DETECTION
        else _Classify(cast(ClassifierNet, net))
    ).eval()
    trace_to_onnx(wrapper, model.input_size, outputs_of(model.task), target)
    device = torch.device(model.config.device or "cpu")
    model.net.to(device, memory_format=torch.channels_last).eval()


def labels_json(model: Model) -> dict[str, Any]:
    return {
        "labels": list(model.label_names),
        "thresholds": list(model.thresholds),
        "input_size": model.input_size,
        "task": model.task.value,
        "preprocessing": {
            "orientation": "apply the EXIF orientation first (upright pixels)",
            "resize": "stretch to input_size x input_size, bilinear, no crop or padding",
            "color": "RGB",
            "layout": "NCHW float32",
            "normalize": f"(pixel - {PIXEL_MEAN:g}) / {PIXEL_STD:g}",
        },
        "outputs": _describe_outputs(model.task),
    }


def _describe_outputs(task: Task) -> dict[str, str]:
    if task == Task.DETECTION:
        return {
            "boxes": "[batch, K, 4] x1, y1, x2, y2 as ratios of the image",
            "scores": "[batch, K] confidence 0..1, descending",
            "labels": "[batch, K] index into labels",
            "kept": "[batch, K] true for the boxes that survive non-maximum suppression",
        }
    if task == Task.MULTI_LABEL:
        return {"probabilities": "[batch, labels] independent sigmoid confidences"}
    return {"probabilities": "[batch, labels] softmax confidences"}
