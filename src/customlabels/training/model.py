"""A trained model: what it predicts, how it was trained, and its files.

Importing this module does not import torch (the services hold ``Model`` in type hints);
torch is imported by the methods that run the network.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from customlabels.training.types import Prediction, Task, TrainConfig

# Predictions below this confidence are dropped: they are noise to every consumer, and the
# service's MinConfidence=0 still gets every label that means anything.
PREDICTION_FLOOR = 0.01
FORMAT_VERSION = 1
WEIGHTS_FILE = "weights.pt"
META_FILE = "model.json"
PREDICT_BATCH = 16
# Making ONNX Runtime's copy of a network takes 1-3 s (the export); it saves 6-18 ms a
# photo, so it pays from about a hundred photos: an evaluation or a pre-labelling, not
# one detection.
RUNTIME_MIN_IMAGES = 100


class Model:
    """A trained network with its labels, resolved config and per-label thresholds."""

    def __init__(
        self,
        task: Task,
        label_names: Sequence[str],
        config: TrainConfig,
        thresholds: Sequence[float],
        net: Any,
        training_images: int = 0,
    ) -> None:
        self.task = Task(task)
        self.label_names = list(label_names)
        self.config = config
        self.thresholds = [float(t) for t in thresholds]
        self.input_size = int(config.image_size or 0)
        self.training_images = training_images
        self.net = net  # a torch.nn.Module in eval mode
        self._session: Any = None  # ONNX Runtime's copy of ``net``, made on first use
        self._session_lock = threading.Lock()

    def save(self, directory: Path) -> None:
        """Write ``weights.pt`` (the state dict) and ``model.json`` (everything else)."""
        import torch

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        torch.save(self.net.state_dict(), directory / WEIGHTS_FILE)
        meta = {
            "format": FORMAT_VERSION,
            "task": self.task.value,
            "label_names": self.label_names,
            "thresholds": self.thresholds,
            "input_size": self.input_size,
            "config": self.config.to_dict(),
            "training_images": self.training_images,
        }
        (directory / META_FILE).write_text(json.dumps(meta, indent=2))

    @classmethod
    def load(cls, directory: Path, device: str | None = None) -> Model:
        """Read a saved model onto ``device`` (default: CUDA when present, else the CPU)."""
        import torch

        from customlabels.training.backbone import resolve_device, set_threads
        from customlabels.training.nets import build_net
        from customlabels.training.types import default_device

        set_threads()
        directory = Path(directory)
        meta = json.loads((directory / META_FILE).read_text())
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported model format {meta.get('format')!r} in {directory}")
        task = Task(meta["task"])
        # Saved configs are resolved; one from before the backbone was resolved per task
        # said lite0, the only default there was.
        config = TrainConfig.from_dict(meta["config"])
        config.device = device or default_device()
        backbone = config.backbone or "lite0"
        net = build_net(task, backbone, len(meta["label_names"]), pretrained=False)
        state = torch.load(directory / WEIGHTS_FILE, map_location="cpu", weights_only=True)
        net.load_state_dict(state)
        # Module.to moves in place; torch's stubs lack its memory_format keyword.
        net.to(resolve_device(config.device), memory_format=torch.channels_last)  # type: ignore[call-overload]
        net.eval()
        return cls(
            task,
            meta["label_names"],
            config,
            meta["thresholds"],
            net,
            meta.get("training_images", 0),
        )

    def predict(
        self, paths_or_images: Sequence[Path | Image.Image], engine: str = "auto"
    ) -> list[list[Prediction]]:
        """Per image: labels (or boxes) with confidence >= 0.01, by confidence descending.

        ``engine``: "auto" runs ONNX Runtime on a CPU for a call of at least
        ``RUNTIME_MIN_IMAGES`` images (and for any call once its session exists), torch
        otherwise; "onnxruntime" and "torch" choose (the tests compare the two). Raises
        :class:`UnreadableImage` for a path that does not decode.
        """
        from customlabels.training.predict import predict

        session = None
        if engine == "onnxruntime" or (
            engine == "auto"
            and (self._session is not None or len(paths_or_images) >= RUNTIME_MIN_IMAGES)
        ):
            session = self.runtime_session()
        return predict(self, paths_or_images, PREDICTION_FLOOR, PREDICT_BATCH, session)

    def runtime_session(self) -> Any:
        """ONNX Runtime's session of this network, made on first use; ``None`` on a GPU.

        Why: over many photos ONNX Runtime is faster on a CPU (measured on this 2-core
        machine, 1,000 photos: 47-66 against 45-60 a second for classification, 35-41
        against 25-26 for detection), and a training's evaluation runs every TEST photo.
        The graph is the one ``export_onnx`` writes, so predictions match an exported
        model's. Safe to call from several threads.
        """
        if (self.config.device or "cpu") != "cpu":
            return None
        with self._session_lock:
            if self._session is None:
                from customlabels.training.onnx_export import export_graph
                from customlabels.training.ort_session import cpu_session

                graph = io.BytesIO()
                export_graph(self, graph)
                self._session = cpu_session(graph.getvalue())
        return self._session

    def __repr__(self) -> str:
        return f"Model({self.task.value}, {len(self.label_names)} labels, {self.config})"
