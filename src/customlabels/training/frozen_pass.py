"""The frozen part of a backbone, run over every training photo once, as fast as the CPU allows.

Why ONNX Runtime: a classification spends most of its time in this one pass (stem to the
first fine-tuned block), and, measured on this project's 2-core machine over 320 clothing
photos, ONNX Runtime runs it 2.5-3x faster than PyTorch's CPU kernels: EfficientNet-Lite0
at 224 px 10.5 against 27 ms a photo, Lite1 at 240 px 15 against 48 ms (depthwise
convolutions are where PyTorch's CPU path is slow). The part is exported from the very
modules the training then fine-tunes, in memory, in about a second; its output matches
PyTorch's to 1e-4 (a test says so). Nothing of it is saved: the model a version keeps is the
PyTorch one. On a GPU, PyTorch runs the part itself: the same modules, the same code path.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from customlabels.training.backbone import Backbone
from customlabels.training.images import to_array_batch, to_tensor_batch
from customlabels.training.onnx_graph import trace_to_onnx
from customlabels.training.ort_session import cpu_session


class _Part(nn.Module):
    """Blocks ``0..end-1`` of a backbone (the stem included), as one module to export."""

    def __init__(self, backbone: Backbone, end: int) -> None:
        super().__init__()
        self.backbone = backbone
        self.end = end

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.backbone.run(x, 0, self.end)


class FrozenPass:
    """Callable: decoded photos (uint8 HWC) -> the activations before block ``end``."""

    def __init__(self, backbone: Backbone, end: int, size: int, device: torch.device) -> None:
        self.backbone = backbone
        self.end = end
        self.device = device
        self.session: Any = None
        if device.type == "cpu":
            self.session = _session(_Part(backbone, end).eval(), size)

    @torch.no_grad()
    def __call__(self, pixels: Sequence[np.ndarray]) -> torch.Tensor:
        if self.session is None:
            return self.backbone.run(to_tensor_batch(pixels).to(self.device), 0, self.end)
        out = self.session.run(None, {"image": to_array_batch(pixels)})[0]
        return torch.from_numpy(out).contiguous(memory_format=torch.channels_last)


def _session(part: _Part, size: int) -> Any:
    buffer = io.BytesIO()
    was_training = part.backbone.training
    trace_to_onnx(part, size, ["activations"], buffer)
    part.backbone.train(was_training)  # the exporter restores modes; say which we want
    return cpu_session(buffer.getvalue())
