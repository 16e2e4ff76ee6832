"""Evaluation: the service's summary shape, raw scores, and mAP as COCO computes it."""

from __future__ import annotations

import pytest

from customlabels.training import evaluate

from .conftest import LABELS


def test_evaluation_reports_the_services_summary_with_a_confusion_matrix(
    trained_classifier,
) -> None:
    model, test, _ = trained_classifier
    evaluation = evaluate(model, test)
    summary = evaluation.summary()
    assert summary["Version"] == 1
    aggregated = summary["AggregatedEvaluationResults"]
    assert aggregated["F1Score"] >= 0.8
    assert {"Precision", "Recall", "ConfusionMatrix"} <= aggregated.keys()
    assert summary["ConfusionMatrix"] == aggregated["ConfusionMatrix"]
    cell = {
        (c["GroundTruthLabel"], c["PredictedLabel"]): c["Value"] for c in summary["ConfusionMatrix"]
    }
    assert cell[("cat", "cat")] + cell[("cat", "coffee")] == pytest.approx(1.0)
    details = summary["EvaluationDetails"]
    assert details["Labels"] == LABELS and details["NumberOfTestingImages"] == len(test)
    assert details["NumberOfTrainingImages"] == 24
    per_label = summary["LabelEvaluationResults"]
    assert {r["Label"] for r in per_label} == set(LABELS)
    assert all(r["NumberOfTestingImages"] == 6 for r in per_label)
    assert {"F1Score", "Precision", "Recall", "Threshold"} == per_label[0]["Metrics"].keys()


def test_raw_scores_keep_every_prediction_and_count_each_images_outcome(trained_classifier) -> None:
    model, test, _ = trained_classifier
    raw = evaluate(model, test).raw_scores()
    assert raw["Labels"] == LABELS and len(raw["Images"]) == len(test)
    for image, sample in zip(raw["Images"], test, strict=True):
        assert image["TrueLabels"] == list(sample.labels)
        assert len(image["Predictions"]) >= 1
        assert image["TruePositives"] + image["FalseNegatives"] == 1
