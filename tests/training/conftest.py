"""Models the training tests share: trained once per session, they cost seconds each."""

from __future__ import annotations

import pytest

from customlabels.training import Model, Progress, Sample, Task, TrainConfig, train

from .builders import photo_crops

# Small inputs and few epochs: enough for two very different photos, fast on two cores.
CONFIG = TrainConfig(image_size=96, epochs=3)
LABELS = ["cat", "coffee"]


@pytest.fixture(scope="session")
def trained_classifier(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Model, list[Sample], list[Progress]]:
    """A cat/coffee classifier trained on 24 crops; 12 other crops to test it on."""
    directory = tmp_path_factory.mktemp("crops")
    samples = photo_crops(directory, per_class=12, seed=1)
    reports: list[Progress] = []
    model = train(Task.CLASSIFICATION, LABELS, samples, CONFIG, on_progress=reports.append)
    test = photo_crops(directory, per_class=6, seed=2)
    return model, test, reports
