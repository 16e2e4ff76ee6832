"""Assumed thresholds: the confidence that maximises each label's F1."""

from __future__ import annotations

import numpy as np
import pytest

from customlabels.training.thresholds import (
    DEFAULT_THRESHOLD,
    best_f1_threshold,
    best_f1_threshold_with_misses,
)


def test_a_threshold_separates_right_from_wrong_with_a_margin() -> None:
    t = best_f1_threshold(np.array([0.9, 0.8, 0.3, 0.2]), np.array([True, True, False, False]))
    assert 0.3 < t <= 0.8
    assert t == pytest.approx(0.55)


def test_a_threshold_keeps_a_wrong_item_when_that_gives_more_f1() -> None:
    scores = np.array([0.9, 0.7, 0.6, 0.5])
    right = np.array([True, False, True, True])
    assert best_f1_threshold(scores, right) <= 0.5  # F1 6/7 beats 2/3 at 0.9


def test_items_no_score_can_reach_lower_the_best_f1_but_not_the_choice() -> None:
    scores, right = np.array([0.9, 0.4]), np.array([True, False])
    assert best_f1_threshold_with_misses(scores, right, 3) == best_f1_threshold(scores, right)


def test_a_label_never_seen_keeps_the_neutral_threshold() -> None:
    assert best_f1_threshold(np.array([0.7]), np.array([False])) == DEFAULT_THRESHOLD
    assert best_f1_threshold(np.array([]), np.array([], dtype=bool)) == DEFAULT_THRESHOLD
