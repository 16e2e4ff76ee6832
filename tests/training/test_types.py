"""The training package's types: torch-free to import, configs that say how they were trained."""

from __future__ import annotations

import subprocess
import sys

from customlabels.training import Task, TrainConfig


def test_importing_the_training_types_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from customlabels.training import Model, Task, TrainConfig, Sample, Box, Prediction\n"
        "from customlabels.training import TrainingStopped, UnreadableImage, train, evaluate\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_resolved_config_fills_every_unset_field_with_the_tasks_default() -> None:
    for task in Task:
        resolved = TrainConfig().resolved(task)
        assert None not in resolved.to_dict().values()
        assert resolved.device in ("cpu", "cuda")
    detection = TrainConfig().resolved(Task.DETECTION)
    classification = TrainConfig().resolved(Task.CLASSIFICATION)
    assert detection.image_size != classification.image_size


def test_a_resolved_config_keeps_what_the_user_chose() -> None:
    chosen = TrainConfig(image_size=160, epochs=2, learning_rate=0.01, fine_tune=False)
    resolved = chosen.resolved(Task.CLASSIFICATION)
    assert (resolved.image_size, resolved.epochs, resolved.learning_rate) == (160, 2, 0.01)
    assert resolved.fine_tune is False


def test_a_config_survives_a_round_trip_through_a_dict_and_ignores_unknown_keys() -> None:
    config = TrainConfig(backbone="lite1", epochs=3).resolved(Task.DETECTION)
    assert TrainConfig.from_dict(config.to_dict()) == config
    assert TrainConfig.from_dict({**config.to_dict(), "from_the_future": 1}) == config
