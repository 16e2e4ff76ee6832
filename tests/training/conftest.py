"""Models the training tests share: trained once per session, they cost seconds each."""

from __future__ import annotations

import pytest

from customlabels.training import Model, Progress, Sample, Task, TrainConfig, train

from .builders import photo_crops, rectangles

# Small inputs and few epochs: enough for two very different photos, fast on two cores.
# Fine-tuning on, so the tests cover the longer of the two ways to train a classifier.
CONFIG = TrainConfig(image_size=96, epochs=3, fine_tune=True)
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


# The pyramid and head only (no backbone fine-tuning): half the time, enough for drawings.
DETECTION_CONFIG = TrainConfig(image_size=128, epochs=15, fine_tune=False)
SHAPES = ["red", "blue"]


@pytest.fixture(scope="session")
def trained_detector(tmp_path_factory: pytest.TempPathFactory) -> tuple[Model, list[Sample]]:
    """A red/blue rectangle detector trained on 32 drawings, a quarter of them stored turned
    (EXIF 3, 6 and 8, boxes upright); 12 other drawings to test it on."""
    directory = tmp_path_factory.mktemp("rectangles")
    samples = rectangles(directory, 24, seed=1)
    for orientation in (3, 6, 8):
        samples += rectangles(directory, 3, seed=10 + orientation, orientation=orientation)
    model = train(Task.DETECTION, SHAPES, samples, DETECTION_CONFIG)
    return model, rectangles(directory, 12, seed=2)
