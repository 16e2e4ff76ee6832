"""Tracing a module into an ONNX graph, one way for every export of this package (the
model a user downloads, serving's in-memory copy, training's frozen pass)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

import torch
from torch import nn

OPSET = 17


def trace_to_onnx(
    module: nn.Module, size: int, output_names: Sequence[str], target: str | io.BytesIO
) -> None:
    """Export ``module`` (in eval mode) taking ``image`` [batch, 3, size, size] to a file
    path or a buffer; only the batch dimension varies."""
    names = list(output_names)
    with warnings.catch_warnings(), torch.no_grad():
        # The tracer warns that the "same" padding's shape arithmetic becomes constants:
        # intended, the input size is fixed.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (torch.zeros(1, 3, size, size),),
            target,  # type: ignore[arg-type]  # the stubs say a path; a file object works
            input_names=["image"],
            output_names=names,
            dynamic_axes={"image": {0: "batch"}, **{n: {0: "batch"} for n in names}},
            opset_version=OPSET,
            dynamo=False,
        )
