"""Evaluating a model on test images, in the hosted service's evaluation summary shape.

Definitions (the service's): a label's prediction counts when its confidence reaches the
label's assumed threshold; per label, precision = TP / (TP + FP), recall = TP / (TP + FN),
F1 their harmonic mean; the aggregated figures are the means over the labels that occur in
the test images. For classification an image-level label is one item; for detection a box
is, matched to a true box of its label at IoU >= 0.5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from customlabels.training.average_precision import ImageBoxes, mean_average_precision
from customlabels.training.matching import match_image
from customlabels.training.model import Model
from customlabels.training.progress import no_progress
from customlabels.training.thresholds import best_f1_threshold_with_misses
from customlabels.training.types import Prediction, Progress, Sample, Task

IOU_MATCH = 0.5
SUMMARY_VERSION = 1


@dataclass
class ImageResult:
    """One test image: what is true, what was predicted, and the counts at the thresholds."""

    path: str
    width: int
    height: int
    true_labels: list[int]
    true_boxes: list[tuple[int, float, float, float, float]]  # label, l, t, w, h as ratios
    predictions: list[Prediction]
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0


@dataclass
class LabelMetrics:
    label: str
    test_images: int
    precision: float
    recall: float
    f1: float
    threshold: float


@dataclass
class Evaluation:
    """Everything measured on a test set; :meth:`summary` is the service's file shape."""

    task: Task
    label_names: list[str]
    thresholds: list[float]
    images: list[ImageResult]
    labels: list[LabelMetrics]
    precision: float
    recall: float
    f1: float
    training_images: int
    confusion_matrix: list[dict[str, Any]] | None = None
    map50: float | None = None
    map50_95: float | None = None
    mar: float | None = None
    best_thresholds: list[float] = field(default_factory=list)
    finished: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())

    def summary(self) -> dict[str, Any]:
        """The evaluation summary file: the service's keys, plus ConfusionMatrix (classification)
        and MeanAveragePrecision50 / MeanAveragePrecision50to95 (detection) at the top level.

        ``EvaluationDetails.ProjectVersionArn`` is the caller's to add: a model has no name.
        """
        aggregated: dict[str, Any] = {
            "F1Score": self.f1,
            "Precision": self.precision,
            "Recall": self.recall,
        }
        out: dict[str, Any] = {"Version": SUMMARY_VERSION}
        if self.confusion_matrix is not None:
            aggregated["ConfusionMatrix"] = self.confusion_matrix
            out["ConfusionMatrix"] = self.confusion_matrix
        if self.map50 is not None:
            aggregated["AveragePrecision"] = self.map50
            aggregated["AverageRecall"] = self.mar
            out["MeanAveragePrecision50"] = self.map50
            out["MeanAveragePrecision50to95"] = self.map50_95
        out["AggregatedEvaluationResults"] = aggregated
        out["EvaluationDetails"] = {
            "EvaluationEndTimestamp": self.finished,
            "Labels": list(self.label_names),
            "NumberOfTestingImages": len(self.images),
            "NumberOfTrainingImages": self.training_images,
        }
        # The service lists labels by F1, best first.
        out["LabelEvaluationResults"] = [
            {
                "Label": m.label,
                "NumberOfTestingImages": m.test_images,
                "Metrics": {
                    "F1Score": m.f1,
                    "Precision": m.precision,
                    "Recall": m.recall,
                    "Threshold": m.threshold,
                },
            }
            for m in sorted(self.labels, key=lambda m: -m.f1)
        ]
        return out

    def raw_scores(self) -> dict[str, Any]:
        """Per test image its truth and every prediction (confidence >= 0.01), so thresholds
        can be re-explored, and its TP/FP/FN at the thresholds. Boxes are ratios."""
        return {
            "Task": self.task.value,
            "Labels": list(self.label_names),
            "Thresholds": list(self.thresholds),
            "BestThresholdsOnTest": list(self.best_thresholds),
            "IouThreshold": IOU_MATCH if self.task == Task.DETECTION else None,
            "Images": [
                {
                    "Image": im.path,
                    "Width": im.width,
                    "Height": im.height,
                    "TrueLabels": im.true_labels,
                    "TrueBoxes": [
                        {"Label": b[0], "Left": b[1], "Top": b[2], "Width": b[3], "Height": b[4]}
                        for b in im.true_boxes
                    ],
                    "Predictions": [_prediction_json(p) for p in im.predictions],
                    "TruePositives": im.true_positives,
                    "FalsePositives": im.false_positives,
                    "FalseNegatives": im.false_negatives,
                }
                for im in self.images
            ],
        }


def _prediction_json(p: Prediction) -> dict[str, Any]:
    out: dict[str, Any] = {"Label": p.label, "Confidence": p.confidence}
    if p.box is not None:
        out["Left"], out["Top"], out["Width"], out["Height"] = p.box
    return out


def evaluate(
    model: Model,
    samples: Sequence[Sample],
    on_progress: Callable[[Progress], None] = no_progress,
    adopt_thresholds: bool = False,
) -> Evaluation:
    """Predict every test sample and measure.

    ``adopt_thresholds``: first replace ``model.thresholds`` by the thresholds that maximise
    each label's F1 on these test images (the hosted service's way of choosing the assumed
    threshold); by default the model's own thresholds (chosen at training) are kept.
    """
    from customlabels.training.images import upright_size

    images: list[ImageResult] = []
    batch = 16
    for i in range(0, len(samples), batch):
        chunk = samples[i : i + batch]
        predictions = model.predict([s.path for s in chunk])
        for s, preds in zip(chunk, predictions, strict=True):
            width, height = upright_size(s.path)
            images.append(_image_result(s, preds, width, height))
        done = min(len(samples), i + batch)
        on_progress(Progress("evaluating", 0, 0, None, None, done / max(1, len(samples))))
    n = len(model.label_names)
    best = _best_thresholds(model.task, images, n)
    if adopt_thresholds:
        model.thresholds = list(best)
    evaluation = _measure(model, images)
    evaluation.best_thresholds = best
    return evaluation


def _image_result(s: Sample, preds: list[Prediction], width: int, height: int) -> ImageResult:
    boxes = [
        (b.label, b.left / width, b.top / height, b.width / width, b.height / height)
        for b in s.boxes
    ]
    labels = sorted(set(s.labels) | {b.label for b in s.boxes})
    return ImageResult(str(s.path), width, height, labels, boxes, preds)


def _best_thresholds(task: Task, images: list[ImageResult], n: int) -> list[float]:
    out = []
    for label in range(n):
        scores: list[float] = []
        right: list[bool] = []
        missed = 0
        for im in images:
            if task == Task.DETECTION:
                preds = [
                    (p.label, p.confidence, p.box)
                    for p in im.predictions
                    if p.label == label and p.box is not None
                ]
                truths = [(b[0], b[1:]) for b in im.true_boxes if b[0] == label]
                hit, miss = match_image(preds, truths, IOU_MATCH)
                scores += [p[1] for p in preds]
                right += hit
                missed += miss
            else:
                conf = next((p.confidence for p in im.predictions if p.label == label), None)
                truth = label in im.true_labels
                if conf is None:
                    missed += truth
                else:
                    scores.append(conf)
                    right.append(truth)
        out.append(best_f1_threshold_with_misses(np.array(scores), np.array(right), missed))
    return out


def _measure(model: Model, images: list[ImageResult]) -> Evaluation:
    n = len(model.label_names)
    tp, fp, fn = np.zeros(n), np.zeros(n), np.zeros(n)
    for im in images:
        kept = [p for p in im.predictions if p.confidence >= model.thresholds[p.label]]
        if model.task == Task.DETECTION:
            kept = [p for p in kept if p.box is not None]
            preds = [(p.label, p.confidence, p.box) for p in kept if p.box is not None]
            hit, _ = match_image(preds, [(b[0], b[1:]) for b in im.true_boxes], IOU_MATCH)
            truth = np.bincount([b[0] for b in im.true_boxes], minlength=n).astype(float)
        else:
            kept = list({p.label: p for p in kept}.values())
            hit = [p.label in im.true_labels for p in kept]
            truth = np.bincount(im.true_labels, minlength=n).astype(float)
        matched = np.bincount([p.label for p, h in zip(kept, hit, strict=True) if h], minlength=n)
        for p, h in zip(kept, hit, strict=True):
            (tp if h else fp)[p.label] += 1
        misses = truth - matched
        fn += misses
        im.true_positives = int(sum(hit))
        im.false_positives = len(kept) - im.true_positives
        im.false_negatives = int(misses.sum())

    present = [c for c in range(n) if any(c in im.true_labels for im in images)]
    labels = []
    for c in range(n):
        precision = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        recall = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        count = sum(1 for im in images if c in im.true_labels)
        labels.append(
            LabelMetrics(model.label_names[c], count, precision, recall, f1, model.thresholds[c])
        )
    scored = [labels[c] for c in present] or labels

    evaluation = Evaluation(
        task=model.task,
        label_names=list(model.label_names),
        thresholds=list(model.thresholds),
        images=images,
        labels=labels,
        precision=float(np.mean([m.precision for m in scored])) if scored else 0.0,
        recall=float(np.mean([m.recall for m in scored])) if scored else 0.0,
        f1=float(np.mean([m.f1 for m in scored])) if scored else 0.0,
        training_images=model.training_images,
    )
    if model.task == Task.DETECTION:
        ap = mean_average_precision([_image_boxes(im) for im in images], n)
        evaluation.map50, evaluation.map50_95, evaluation.mar = ap.map50, ap.map50_95, ap.mar100
    else:
        evaluation.confusion_matrix = _confusion(model, images)
    return evaluation


def _image_boxes(im: ImageResult) -> ImageBoxes:
    return ImageBoxes(
        true_labels=np.array([b[0] for b in im.true_boxes], dtype=int),
        true_boxes=np.array([b[1:] for b in im.true_boxes], dtype=np.float64).reshape(-1, 4),
        pred_labels=np.array([p.label for p in im.predictions], dtype=int),
        pred_scores=np.array([p.confidence for p in im.predictions], dtype=np.float64),
        pred_boxes=np.array([p.box for p in im.predictions], dtype=np.float64).reshape(-1, 4),
    )


def _confusion(model: Model, images: list[ImageResult]) -> list[dict[str, Any]]:
    """Rows are true labels, normalised to fractions of that label's test images.

    Single-label: the top prediction. Multi-label: every label predicted at its threshold.
    """
    n = len(model.label_names)
    counts = np.zeros((n, n))
    for im in images:
        if model.task == Task.CLASSIFICATION:
            predicted = [im.predictions[0].label] if im.predictions else []
        else:
            predicted = [
                p.label for p in im.predictions if p.confidence >= model.thresholds[p.label]
            ]
        for t in im.true_labels:
            for p in predicted:
                counts[t, p] += 1
    rows = np.array([sum(1 for im in images if t in im.true_labels) for t in range(n)])
    return [
        {
            "GroundTruthLabel": model.label_names[t],
            "PredictedLabel": model.label_names[p],
            "Value": float(counts[t, p] / rows[t]),
        }
        for t in range(n)
        if rows[t]
        for p in range(n)
    ]
