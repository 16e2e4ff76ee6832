"""Matching predicted boxes to true boxes, the way COCO's evaluation does.

Boxes here are ``(left, top, width, height)`` in any one unit (ratios of the image in this
package); matching is within one label.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of boxes ``a [N, 4]`` with ``b [M, 4]``, both ``(left, top, width, height)``."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    ax2, ay2 = a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]
    bx2, by2 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    w = np.minimum(ax2[:, None], bx2[None]) - np.maximum(a[:, None, 0], b[None, :, 0])
    h = np.minimum(ay2[:, None], by2[None]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def greedy_match(
    pred_boxes: np.ndarray, true_boxes: np.ndarray, iou_threshold: float
) -> np.ndarray:
    """For predictions sorted by descending score: the index of the true box each one
    matches (-1 for none). Each true box is matched once, to the best-overlapping earlier
    prediction's choice, as COCO does."""
    ious = iou_matrix(pred_boxes, true_boxes)
    taken = np.zeros(len(true_boxes), dtype=bool)
    matched = np.full(len(pred_boxes), -1)
    threshold = min(iou_threshold, 1 - 1e-10)
    for d in range(len(pred_boxes)):
        best, best_iou = -1, threshold
        for g in range(len(true_boxes)):
            if taken[g] or ious[d, g] < best_iou:
                continue
            best, best_iou = g, ious[d, g]
        if best >= 0:
            taken[best] = True
            matched[d] = best
    return matched


def match_image(
    preds: Sequence[tuple[int, float, Sequence[float]]],
    truths: Sequence[tuple[int, Sequence[float]]],
    iou_threshold: float = 0.5,
) -> tuple[list[bool], int]:
    """Per prediction ``(label, score, box)``: is it a true positive; and the missed count.

    Predictions are matched per label in descending score order.
    """
    hit = [False] * len(preds)
    missed = 0
    for label in {p[0] for p in preds} | {t[0] for t in truths}:
        idx = sorted((i for i, p in enumerate(preds) if p[0] == label), key=lambda i: -preds[i][1])
        gts = np.array([t[1] for t in truths if t[0] == label], dtype=np.float64).reshape(-1, 4)
        boxes = np.array([preds[i][2] for i in idx], dtype=np.float64).reshape(-1, 4)
        matched = greedy_match(boxes, gts, iou_threshold)
        for i, m in zip(idx, matched, strict=True):
            hit[i] = bool(m >= 0)
        missed += len(gts) - int((matched >= 0).sum())
    return hit, missed
