"""Each label's assumed threshold: the confidence that maximises its F1, as the service does."""

from __future__ import annotations

import numpy as np

# A label never seen positive has no F1 to maximise; half-way is the neutral choice.
DEFAULT_THRESHOLD = 0.5


def best_f1_threshold(scores: np.ndarray, positive: np.ndarray) -> float:
    """A score ``t`` such that predicting "score >= t" gives the best F1 on these examples.

    ``scores``: one confidence per candidate; ``positive``: whether it is right. Candidates
    that can never be right (missed objects) only enter through ``missed`` of the caller, so
    here every true item must be present as a score (for detection, pass the unmatched
    ground truth with score 0 via :func:`best_f1_threshold_with_misses`).
    """
    return best_f1_threshold_with_misses(scores, positive, 0)


def best_f1_threshold_with_misses(scores: np.ndarray, positive: np.ndarray, missed: int) -> float:
    """As :func:`best_f1_threshold`, with ``missed`` true items no score can recover."""
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    total_true = int(positive.sum()) + missed
    if total_true == 0 or len(scores) == 0:
        return DEFAULT_THRESHOLD
    order = np.argsort(-scores, kind="stable")
    s, p = scores[order], positive[order]
    tp = np.cumsum(p)
    fp = np.cumsum(~p)
    f1 = 2 * tp / (tp + fp + total_true)
    # Only cut between distinct scores: equal scores are all in or all out.
    last_of_run = np.r_[s[1:] != s[:-1], True]
    f1 = np.where(last_of_run, f1, -1.0)
    best = int(np.argmax(f1))
    if f1[best] <= 0:
        return DEFAULT_THRESHOLD
    # Any threshold between this score and the next lower one gives the same F1 here; the
    # midpoint leaves a margin on both sides, where the lowest kept score would sit on the
    # edge (a model fine-tuned after the threshold was chosen scores slightly lower).
    below = float(s[best + 1]) if best + 1 < len(s) else 0.0
    return float((s[best] + below) / 2)


def best_f1_thresholds(scores: np.ndarray, truth: np.ndarray) -> list[float]:
    """Per label (column) thresholds for image-level scores ``[images, labels]``."""
    return [best_f1_threshold(scores[:, c], truth[:, c]) for c in range(scores.shape[1])]
