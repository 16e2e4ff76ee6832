"""Detection thresholds chosen on the training images, once the detector is trained."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from customlabels.training.progress import Reporter
from customlabels.training.types import Sample

if TYPE_CHECKING:
    from customlabels.training.model import Model


def detection_thresholds(
    model: Model, samples: Sequence[Sample], reporter: Reporter
) -> list[float]:
    """Each label's F1-maximising confidence over the training images' boxes (IoU >= 0.5).

    Training images flatter the detector, so these run high; ``evaluate(...,
    adopt_thresholds=True)`` replaces them by the test images' choice, as the service does.
    """
    from customlabels.training.evaluation import _best_thresholds, _image_result
    from customlabels.training.images import upright_size

    results = []
    batch = 16
    for i in range(0, len(samples), batch):
        chunk = samples[i : i + batch]
        for s, preds in zip(chunk, model.predict([s.path for s in chunk]), strict=True):
            w, h = upright_size(s.path)
            results.append(_image_result(s, preds, w, h))
        reporter.step("thresholds", i + len(chunk), len(samples))
    return _best_thresholds(model.task, results, len(model.label_names))
