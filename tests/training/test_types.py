"""The training package's types: torch-free to import, configs that say how they were trained."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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


def test_train_stays_callable_after_the_training_modules_are_imported() -> None:
    """A long-running worker trains many times: no submodule may shadow ``train``."""
    import importlib
    import pkgutil

    import customlabels.training as training

    for module in pkgutil.iter_modules(training.__path__):
        importlib.import_module(f"customlabels.training.{module.name}")
    assert callable(training.train) and callable(training.evaluate)
    assert callable(training.export_onnx)


def test_training_keeps_big_tensors_in_the_heap_as_glibc_allows() -> None:
    """The malloc settings that made training 21% faster are accepted by this C library."""
    import platform

    from customlabels.training.allocator import tune_for_training

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt's settings are glibc's; this system's C library is another")
    accepted = tune_for_training()
    wanted = {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"}
    assert set(accepted) == wanted - set(os.environ)
