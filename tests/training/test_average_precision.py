"""Our mAP agrees with COCO's evaluation (faster-coco-eval) on the same predictions."""

from __future__ import annotations

import numpy as np
import pytest

from customlabels.training.average_precision import ImageBoxes, mean_average_precision

faster_coco_eval = pytest.importorskip("faster_coco_eval")


def _random_scene(rng: np.random.Generator, num_labels: int) -> ImageBoxes:
    """True boxes, and predictions that find some of them, at varying accuracy, plus noise."""
    m = int(rng.integers(0, 6))
    true_labels = rng.integers(0, num_labels, m)
    xy = rng.uniform(0, 400, (m, 2))
    wh = rng.uniform(10, 150, (m, 2))
    true_boxes = np.concatenate([xy, wh], 1)
    preds, labels = [], []
    for label, box in zip(true_labels, true_boxes, strict=True):
        for _ in range(int(rng.integers(0, 3))):  # duplicates become false positives
            jitter = rng.normal(0, 0.15, 4) * np.r_[box[2:], box[2:]]
            preds.append(np.r_[box[:2] + jitter[:2], np.maximum(box[2:] + jitter[2:], 2)])
            labels.append(label if rng.random() > 0.1 else (label + 1) % num_labels)
    for _ in range(int(rng.integers(0, 4))):  # detections of nothing
        preds.append(np.r_[rng.uniform(0, 400, 2), rng.uniform(5, 100, 2)])
        labels.append(int(rng.integers(0, num_labels)))
    n = len(preds)
    return ImageBoxes(
        true_labels=true_labels,
        true_boxes=true_boxes,
        pred_labels=np.array(labels, dtype=int),
        pred_scores=np.round(rng.uniform(0.05, 1.0, n), 3),  # rounded: ties happen
        pred_boxes=np.array(preds).reshape(-1, 4),
    )


def _coco_figures(images: list[ImageBoxes], num_labels: int) -> tuple[float, float, float]:
    from faster_coco_eval import COCO, COCOeval_faster

    gt = {"images": [], "annotations": [], "categories": []}
    gt["categories"] = [{"id": c + 1, "name": str(c)} for c in range(num_labels)]
    dets = []
    for i, im in enumerate(images, start=1):
        gt["images"].append({"id": i, "width": 600, "height": 600})
        for label, box in zip(im.true_labels, im.true_boxes, strict=True):
            gt["annotations"].append({
                "id": len(gt["annotations"]) + 1, "image_id": i, "category_id": int(label) + 1,
                "bbox": [float(v) for v in box], "area": float(box[2] * box[3]), "iscrowd": 0,
            })  # fmt: skip
        for label, score, box in zip(im.pred_labels, im.pred_scores, im.pred_boxes, strict=True):
            dets.append({
                "image_id": i, "category_id": int(label) + 1,
                "bbox": [float(v) for v in box], "score": float(score),
            })  # fmt: skip
    coco = COCO(gt)
    evaluator = COCOeval_faster(coco, coco.loadRes(dets), "bbox", print_function=lambda *_: None)
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
    return float(evaluator.stats[1]), float(evaluator.stats[0]), float(evaluator.stats[8])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_our_map_matches_cocos_on_the_same_predictions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    images = [_random_scene(rng, 3) for _ in range(40)]
    ours = mean_average_precision(images, 3)
    map50, map50_95, mar100 = _coco_figures(images, 3)
    assert ours.map50 == pytest.approx(map50, abs=1e-6)
    assert ours.map50_95 == pytest.approx(map50_95, abs=1e-6)
    assert ours.mar100 == pytest.approx(mar100, abs=1e-6)


def test_perfect_predictions_score_one_and_no_predictions_score_zero() -> None:
    boxes = np.array([[10.0, 10, 50, 50], [100, 100, 30, 30]])
    labels = np.array([0, 1])
    perfect = ImageBoxes(labels, boxes, labels, np.array([0.9, 0.8]), boxes)
    empty = ImageBoxes(labels, boxes, np.zeros(0, int), np.zeros(0), np.zeros((0, 4)))
    assert mean_average_precision([perfect], 2).map50_95 == pytest.approx(1.0)
    assert mean_average_precision([empty], 2).map50 == 0.0
