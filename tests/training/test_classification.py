"""Classification: a tiny model must learn to tell two kinds of photo apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from customlabels.training import (
    Model,
    Sample,
    Task,
    TrainConfig,
    TrainingStopped,
    UnreadableImage,
    train,
)

from .builders import photo_crops, save, side_by_side
from .conftest import CONFIG, LABELS


def test_a_trained_classifier_names_photos_it_has_not_seen(trained_classifier) -> None:
    model, test, _ = trained_classifier
    predictions = model.predict([s.path for s in test])
    right = sum(p[0].label == s.labels[0] for p, s in zip(predictions, test, strict=True))
    assert right >= len(test) - 1
    for preds in predictions:
        confidences = [p.confidence for p in preds]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.01 <= c <= 1 for c in confidences)


def test_the_resolved_config_and_thresholds_are_recorded_in_the_model(trained_classifier) -> None:
    model, _, _ = trained_classifier
    assert model.config.image_size == 96 and model.config.epochs == 3
    assert model.config.learning_rate is not None and model.config.fine_tune is not None
    assert model.config.device in ("cpu", "cuda")
    assert len(model.thresholds) == 2 and all(0 < t <= 1 for t in model.thresholds)
    assert model.input_size == 96


def test_progress_moves_forward_through_the_stages_to_the_end(trained_classifier) -> None:
    _, _, reports = trained_classifier
    stages = [r.stage for r in reports]
    assert "features" in stages and "fine-tuning" in stages
    fractions = [r.fraction for r in reports]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert any(r.loss is not None for r in reports if r.stage == "fine-tuning")


def test_a_saved_model_loads_and_answers_the_same(trained_classifier, tmp_path: Path) -> None:
    model, test, _ = trained_classifier
    model.save(tmp_path / "m")
    loaded = Model.load(tmp_path / "m")
    assert loaded.label_names == LABELS and loaded.thresholds == model.thresholds
    assert loaded.config == model.config
    before = model.predict([s.path for s in test[:4]])
    after = loaded.predict([s.path for s in test[:4]])
    for b, a in zip(before, after, strict=True):
        assert [p.label for p in b] == [p.label for p in a]
        assert [p.confidence for p in b] == pytest.approx([p.confidence for p in a], abs=1e-5)


def test_a_photo_turned_by_its_exif_orientation_is_named_like_the_upright_one(
    trained_classifier, tmp_path: Path
) -> None:
    model, test, _ = trained_classifier
    upright = Image.open(test[0].path)
    turned = [save(upright, tmp_path / f"o{o}.jpg", orientation=o) for o in (3, 6, 8)]
    reference = model.predict([test[0].path])[0]
    for preds in model.predict(turned):
        assert preds[0].label == reference[0].label
        assert preds[0].confidence == pytest.approx(reference[0].confidence, abs=0.05)


def test_stopping_a_training_raises_training_stopped(tmp_path: Path) -> None:
    samples = photo_crops(tmp_path, per_class=4)
    calls = []

    def should_stop() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(TrainingStopped):
        train(Task.CLASSIFICATION, LABELS, samples, CONFIG, should_stop=should_stop)


def test_an_image_that_no_longer_decodes_is_named_in_the_error(tmp_path: Path) -> None:
    samples = photo_crops(tmp_path, per_class=3)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(samples[0].path.read_bytes()[:200])
    samples.append(Sample(broken, labels=(0,)))
    with pytest.raises(UnreadableImage) as caught:
        train(Task.CLASSIFICATION, LABELS, samples, CONFIG)
    assert caught.value.path == broken


def test_a_multi_label_classifier_names_every_kind_a_picture_shows(tmp_path: Path) -> None:
    singles = photo_crops(tmp_path, per_class=8, seed=3)
    samples = singles + side_by_side(tmp_path, singles, 8, seed=4)
    model = train(Task.MULTI_LABEL, LABELS, samples, CONFIG)
    tests = photo_crops(tmp_path, per_class=3, seed=5)
    tests += side_by_side(tmp_path, tests, 3, seed=6)
    right = 0
    for sample, preds in zip(tests, model.predict([s.path for s in tests]), strict=True):
        named = {p.label for p in preds if p.confidence >= model.thresholds[p.label]}
        right += named == set(sample.labels)
    assert right >= len(tests) - 2


def test_a_small_set_trains_the_head_alone_unless_fine_tuning_or_epochs_are_asked_for(
    tmp_path: Path,
) -> None:
    samples = photo_crops(tmp_path, per_class=4)
    model = train(Task.CLASSIFICATION, LABELS, samples, TrainConfig(image_size=64))
    assert model.config.fine_tune is False
    asked = train(Task.CLASSIFICATION, LABELS, samples, TrainConfig(image_size=64, epochs=1))
    assert asked.config.fine_tune is True
    assert [p[0].label for p in model.predict([s.path for s in samples])] == [
        s.labels[0] for s in samples
    ]
