"""Progress reports and stop checks, shared by every stage of a training."""

from __future__ import annotations

import time
from collections.abc import Callable

from customlabels.training.types import Progress, TrainingStopped


def no_progress(_: Progress) -> None:
    """The default ``on_progress``: report nothing."""


def never_stop() -> bool:
    """The default ``should_stop``: run to the end."""
    return False


class Reporter:
    """Turns "item i of n in stage s" into :class:`Progress` and honours ``should_stop``.

    ``plan`` weighs each stage by its expected share of the time, so ``fraction`` and the
    ETA move evenly across stages of very different lengths.
    """

    def __init__(
        self,
        on_progress: Callable[[Progress], None],
        should_stop: Callable[[], bool],
        plan: dict[str, float],
    ) -> None:
        self._on_progress = on_progress
        self._should_stop = should_stop
        total = sum(plan.values()) or 1.0
        self._start: dict[str, float] = {}
        acc = 0.0
        for stage, weight in plan.items():
            self._start[stage] = acc / total
            acc += weight
        self._weight = {stage: w / total for stage, w in plan.items()}
        self._began = time.monotonic()
        self._last_report = 0.0

    def check(self) -> None:
        """Raise :class:`TrainingStopped` when the caller asked to stop."""
        if self._should_stop():
            raise TrainingStopped("stopped by the user")

    def step(
        self,
        stage: str,
        done: float,
        total: float,
        epoch: int = 0,
        epochs: int = 0,
        loss: float | None = None,
        force: bool = False,
    ) -> None:
        """Check for a stop, then report (at most every 0.2 s unless ``force``)."""
        self.check()
        now = time.monotonic()
        if not force and now - self._last_report < 0.2 and done < total:
            return
        self._last_report = now
        within = min(1.0, done / total) if total else 1.0
        fraction = self._start.get(stage, 0.0) + self._weight.get(stage, 0.0) * within
        elapsed = now - self._began
        eta = elapsed * (1 - fraction) / fraction if fraction > 0.02 else None
        self._on_progress(Progress(stage, epoch, epochs, loss, eta, min(1.0, fraction)))
