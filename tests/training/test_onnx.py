"""An exported model answers in ONNX Runtime as it does in torch, on the same images."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from customlabels.training import export_onnx


def _same_answers(torch_preds, onnx_preds) -> None:  # noqa: ANN001
    """Same predictions, in the same order but for near-ties (scores within 1e-4 may swap:
    the two runtimes round differently in the last bits)."""
    assert len(torch_preds) == len(onnx_preds)
    for t, o in zip(torch_preds, onnx_preds, strict=True):
        assert len(t) == len(o)
        assert np.allclose([p.confidence for p in t], [p.confidence for p in o], atol=1e-4)
        for p in t:
            twins = [
                q
                for q in o
                if q.label == p.label
                and abs(q.confidence - p.confidence) < 1e-4
                and (p.box is None or np.allclose(q.box, p.box, atol=1e-4))
            ]
            assert twins, f"{p} has no counterpart in ONNX Runtime's answer"


def test_an_exported_classifier_answers_as_torch_does(trained_classifier, tmp_path: Path) -> None:
    from customlabels.training.onnx_runtime import OnnxModel

    model, test, _ = trained_classifier
    path = export_onnx(model, tmp_path)
    assert path == tmp_path / "model.onnx"
    labels = json.loads((tmp_path / "labels.json").read_text())
    assert labels["labels"] == model.label_names and labels["thresholds"] == model.thresholds
    assert labels["input_size"] == model.input_size and labels["task"] == "CLASSIFICATION"
    assert "normalize" in labels["preprocessing"]
    paths = [s.path for s in test]
    _same_answers(model.predict(paths, engine="torch"), OnnxModel(tmp_path).predict(paths))


def test_an_exported_detector_answers_as_torch_does(trained_detector, tmp_path: Path) -> None:
    from customlabels.training.onnx_runtime import OnnxModel

    model, test = trained_detector
    export_onnx(model, tmp_path)
    labels = json.loads((tmp_path / "labels.json").read_text())
    assert labels["task"] == "OBJECT_DETECTION" and "kept" in labels["outputs"]
    paths = [s.path for s in test[:6]]
    _same_answers(model.predict(paths, engine="torch"), OnnxModel(tmp_path).predict(paths))


def test_a_model_predicts_on_the_cpu_through_onnx_runtime_as_torch_would(
    trained_classifier, trained_detector
) -> None:
    """Serving and evaluation run ONNX Runtime's copy of the network on a CPU (faster);
    its answers must be torch's."""
    for model, test in (trained_classifier[:2], trained_detector):
        paths = [s.path for s in test[:6]]
        on_runtime = model.predict(paths, engine="onnxruntime")
        assert model.runtime_session() is model.runtime_session()  # made once
        _same_answers(model.predict(paths, engine="torch"), on_runtime)
        # Once the session exists, every prediction takes it: one photo answers the same.
        _same_answers(model.predict(paths[:1]), on_runtime[:1])
