"""Mean average precision over IoU thresholds, computed as COCO's evaluation computes it.

Written here (not taken from pycocotools) so serving needs no evaluation library; a test
compares the figures with faster-coco-eval on the same predictions. The definitions:
detections per image and label sorted by score and cut at 100, greedy matching per IoU
threshold, precision made monotone, sampled at 101 recall points, averaged over the labels
that have true boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from customlabels.training.matching import greedy_match

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_POINTS = np.linspace(0.0, 1.0, 101)
MAX_DETECTIONS = 100


@dataclass(frozen=True)
class ImageBoxes:
    """One image's true boxes and predictions, boxes as ``(left, top, width, height)``."""

    true_labels: np.ndarray  # [M] int
    true_boxes: np.ndarray  # [M, 4]
    pred_labels: np.ndarray  # [N] int
    pred_scores: np.ndarray  # [N] float
    pred_boxes: np.ndarray  # [N, 4]


@dataclass(frozen=True)
class APResult:
    map50: float
    map50_95: float
    mar100: float  # mean recall at 100 detections, averaged over IoU thresholds
    per_label_ap50: dict[int, float]


def mean_average_precision(images: Sequence[ImageBoxes], num_labels: int) -> APResult:
    ap = np.full((len(IOU_THRESHOLDS), num_labels), np.nan)
    recall = np.full((len(IOU_THRESHOLDS), num_labels), np.nan)
    for label in range(num_labels):
        per_image = []
        n_true = 0
        for im in images:
            gts = im.true_boxes[im.true_labels == label]
            sel = np.flatnonzero(im.pred_labels == label)
            sel = sel[np.argsort(-im.pred_scores[sel], kind="mergesort")][:MAX_DETECTIONS]
            per_image.append((gts, im.pred_boxes[sel], im.pred_scores[sel]))
            n_true += len(gts)
        if n_true == 0:
            continue  # COCO leaves labels without true boxes out of the mean
        for t, iou in enumerate(IOU_THRESHOLDS):
            scores, hits = [], []
            for gts, boxes, sc in per_image:
                matched = greedy_match(boxes, gts, float(iou))
                scores.append(sc)
                hits.append(matched >= 0)
            ap[t, label], recall[t, label] = _ap(
                np.concatenate(scores), np.concatenate(hits), n_true
            )
    valid = ~np.isnan(ap[0])
    if not valid.any():
        return APResult(0.0, 0.0, 0.0, {})
    return APResult(
        map50=float(np.mean(ap[0, valid])),
        map50_95=float(np.mean(ap[:, valid])),
        mar100=float(np.mean(recall[:, valid])),
        per_label_ap50={int(c): float(ap[0, c]) for c in np.flatnonzero(valid)},
    )


def _ap(scores: np.ndarray, hits: np.ndarray, n_true: int) -> tuple[float, float]:
    if len(scores) == 0:
        return 0.0, 0.0
    order = np.argsort(-scores, kind="mergesort")
    tp = np.cumsum(hits[order]).astype(np.float64)
    fp = np.cumsum(~hits[order]).astype(np.float64)
    rc = tp / n_true
    pr = tp / np.maximum(tp + fp, np.spacing(1))
    pr = np.maximum.accumulate(pr[::-1])[::-1]  # precision envelope
    idx = np.searchsorted(rc, RECALL_POINTS, side="left")
    q = np.where(idx < len(pr), pr[np.minimum(idx, len(pr) - 1)], 0.0)
    return float(q.mean()), float(rc[-1])
