"""Running an exported model with ONNX Runtime, with this package's preprocessing.

What a consumer of the export would write; here it lets a test show that ONNX Runtime
answers as torch does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from customlabels.training.images import decode, to_array_batch
from customlabels.training.model import PREDICTION_FLOOR
from customlabels.training.onnx_export import LABELS_FILE, ONNX_FILE
from customlabels.training.ort_session import cpu_session
from customlabels.training.predict import raw_to_predictions
from customlabels.training.types import Prediction, Task


class OnnxModel:
    def __init__(self, directory: Path) -> None:
        directory = Path(directory)
        self.meta = json.loads((directory / LABELS_FILE).read_text())
        self.task = Task(self.meta["task"])
        self.input_size = int(self.meta["input_size"])
        self.session = cpu_session(str(directory / ONNX_FILE))

    def run(self, items: Sequence[Path | Image.Image]) -> list[np.ndarray]:
        pixels = [decode(i, self.input_size).pixels for i in items]
        outputs: list[np.ndarray] = self.session.run(None, {"image": to_array_batch(pixels)})
        return outputs

    def predict(self, items: Sequence[Path | Image.Image]) -> list[list[Prediction]]:
        return raw_to_predictions(self.task, self.run(items), PREDICTION_FLOOR)
