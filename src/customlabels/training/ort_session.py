"""ONNX Runtime sessions on the CPU, set up one way for every use in this package."""

from __future__ import annotations

from typing import Any

from customlabels.training.backbone import cpu_cores


def cpu_session(graph: str | bytes) -> Any:
    """A session over a graph file or its bytes, on every core this process may use."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = cpu_cores()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # warnings about unused initialisers are not ours to fix
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
