"""Running a trained model over images: decode upright, batch, turn outputs into predictions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from PIL import Image

from customlabels.training.images import decode, to_array_batch, to_tensor_batch
from customlabels.training.types import Prediction, Task

if TYPE_CHECKING:
    from customlabels.training.model import Model


@torch.no_grad()
def predict(
    model: Model,
    items: Sequence[Path | Image.Image],
    floor: float,
    batch_size: int,
    session: Any = None,
) -> list[list[Prediction]]:
    """Predictions per image, each list sorted by descending confidence.

    With an ONNX Runtime ``session`` of the model's graph, it runs the network; else torch.
    """
    device = next(model.net.parameters()).device
    out: list[list[Prediction]] = []
    for i in range(0, len(items), batch_size):
        pixels = [decode(item, model.input_size).pixels for item in items[i : i + batch_size]]
        if session is not None:
            raw = tuple(session.run(None, {"image": to_array_batch(pixels)}))
        else:
            raw = run_net(model, to_tensor_batch(pixels).to(device))
        out.extend(raw_to_predictions(model.task, raw, floor))
    return out


def run_net(model: Model, x: torch.Tensor) -> tuple[np.ndarray, ...]:
    """The network's outputs as numpy arrays, exactly what the exported ONNX graph returns.

    Classification: ``(probabilities [B, C],)``. Detection: ``(boxes [B, K, 4] as
    x1y1x2y2 ratios, scores [B, K], labels [B, K], kept [B, K])``.
    """
    if model.task == Task.DETECTION:
        return tuple(t.cpu().numpy() for t in model.net.detect(x))
    return (model.net.probabilities(model.net(x)).cpu().numpy(),)


def raw_to_predictions(
    task: Task, outputs: Sequence[np.ndarray], floor: float
) -> list[list[Prediction]]:
    """Shared by torch and ONNX Runtime, so both answer identically for identical outputs."""
    if task != Task.DETECTION:
        (probs,) = outputs
        result = []
        for row in probs:
            order = np.argsort(-row, kind="stable")
            result.append([Prediction(int(c), float(row[c])) for c in order if row[c] >= floor])
        return result
    boxes, scores, labels, kept = outputs
    result = []
    for b, s, lab, k in zip(boxes, scores, labels, kept, strict=True):
        preds = []
        for j in np.flatnonzero(k & (s >= floor)):  # already sorted by score
            x1, y1, x2, y2 = (float(v) for v in b[j])
            preds.append(Prediction(int(lab[j]), float(s[j]), (x1, y1, x2 - x1, y2 - y1)))
        result.append(preds)
    return result
