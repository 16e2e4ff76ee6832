"""Detection: a tiny detector must find drawn rectangles, upright whatever the EXIF says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from customlabels.training import Box, Model, Sample, Task, TrainingStopped, evaluate, train
from customlabels.training.boxes import batched_nms, pairwise_iou

from .builders import rectangles
from .conftest import DETECTION_CONFIG, SHAPES


def test_a_trained_detector_finds_rectangles_it_has_not_seen(trained_detector) -> None:
    model, test = trained_detector
    summary = evaluate(model, test).summary()
    assert summary["MeanAveragePrecision50"] >= 0.7
    assert 0 < summary["MeanAveragePrecision50to95"] <= summary["MeanAveragePrecision50"]
    aggregated = summary["AggregatedEvaluationResults"]
    assert aggregated["AveragePrecision"] == summary["MeanAveragePrecision50"]
    assert "AverageRecall" in aggregated and "ConfusionMatrix" not in aggregated
    assert {r["Label"] for r in summary["LabelEvaluationResults"]} == set(SHAPES)


def test_detections_are_ratios_of_the_image_sorted_by_confidence(trained_detector) -> None:
    model, test = trained_detector
    for preds in model.predict([s.path for s in test]):
        assert preds, "every drawing has at least one rectangle"
        confidences = [p.confidence for p in preds]
        assert confidences == sorted(confidences, reverse=True)
        for p in preds:
            left, top, width, height = p.box
            assert min(left, top) >= 0
            assert left + width <= 1 + 1e-6 and top + height <= 1 + 1e-6


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_a_photo_stored_turned_is_detected_in_the_upright_frame(
    trained_detector, tmp_path: Path, orientation: int
) -> None:
    model, _ = trained_detector
    turned = rectangles(tmp_path, 8, seed=3, orientation=orientation)
    summary = evaluate(model, turned).summary()
    assert summary["MeanAveragePrecision50"] >= 0.7


def test_raw_scores_count_each_images_true_and_false_boxes(trained_detector) -> None:
    model, test = trained_detector
    raw = evaluate(model, test).raw_scores()
    assert raw["Task"] == "OBJECT_DETECTION" and raw["IouThreshold"] == 0.5
    for image, sample in zip(raw["Images"], test, strict=True):
        assert len(image["TrueBoxes"]) == len(sample.boxes)
        assert image["TruePositives"] + image["FalseNegatives"] == len(sample.boxes)
        kept = [p for p in image["Predictions"] if p["Confidence"] >= raw["Thresholds"][p["Label"]]]
        assert image["TruePositives"] + image["FalsePositives"] == len(kept)


def test_a_saved_detector_loads_and_finds_the_same_boxes(trained_detector, tmp_path: Path) -> None:
    model, test = trained_detector
    model.save(tmp_path / "d")
    loaded = Model.load(tmp_path / "d")
    assert loaded.task == Task.DETECTION and loaded.thresholds == model.thresholds
    for a, b in zip(model.predict([test[0].path]), loaded.predict([test[0].path]), strict=True):
        assert [p.label for p in a] == [p.label for p in b]
        assert np.allclose([p.box for p in a], [p.box for p in b], atol=1e-5)


def test_stopping_a_detector_training_raises_training_stopped(tmp_path: Path) -> None:
    samples = rectangles(tmp_path, 4)
    with pytest.raises(TrainingStopped):
        train(Task.DETECTION, SHAPES, samples, DETECTION_CONFIG, should_stop=lambda: True)


def test_an_image_without_boxes_trains_as_background(tmp_path: Path) -> None:
    samples = rectangles(tmp_path, 3) + [Sample(rectangles(tmp_path, 1, seed=9)[0].path)]
    config = DETECTION_CONFIG.resolved(Task.DETECTION)
    config.epochs = 1
    model = train(Task.DETECTION, SHAPES, samples, config)
    assert len(model.thresholds) == 2


def _reference_nms(boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor) -> list[int]:
    kept: list[int] = []
    for i in torch.argsort(scores, descending=True).tolist():
        if all(
            labels[i] != labels[j] or pairwise_iou(boxes[i : i + 1], boxes[j : j + 1]) <= 0.5
            for j in kept
        ):
            kept.append(i)
    return sorted(kept)


def test_overlapping_boxes_of_one_label_are_suppressed_as_greedy_nms_does() -> None:
    gen = torch.Generator().manual_seed(0)
    xy = torch.rand(60, 2, generator=gen) * 50
    boxes = torch.cat([xy, xy + 20 + torch.rand(60, 2, generator=gen) * 20], 1)
    scores, order = torch.sort(torch.rand(60, generator=gen), descending=True)
    boxes = boxes[order]
    labels = torch.randint(0, 2, (60,), generator=gen)
    keep = batched_nms(boxes[None], scores[None], labels[None], 0.5)[0]
    assert torch.nonzero(keep).flatten().tolist() == _reference_nms(boxes, scores, labels)
    assert 0 < int(keep.sum()) < 60


def test_a_box_keeps_its_place_through_the_square_input(tmp_path: Path) -> None:
    from customlabels.training.images import decode, scale_boxes

    path = rectangles(tmp_path, 1, seed=5, orientation=6)[0].path
    decoded = decode(path, 64)
    assert (decoded.width, decoded.height) == (160, 120)  # upright size, not the raw one
    rows = scale_boxes([Box(0, 40, 30, 80, 60)], decoded.width, decoded.height, 64)
    assert rows.tolist() == [[0, 16, 16, 48, 48]]
