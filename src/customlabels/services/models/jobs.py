"""The job kinds of model versions, for ``services.runner`` to dispatch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from customlabels.services.context import Context
from customlabels.services.jobs import Progress

JobBody = Callable[[Context, dict[str, Any], Progress], tuple[dict[str, Any], str]]


def _train(ctx: Context, params: dict[str, Any], progress: Progress) -> tuple[dict[str, Any], str]:
    from customlabels.services.models.training_job import run_training

    return run_training(ctx, params, progress)


def _prelabel(
    ctx: Context, params: dict[str, Any], progress: Progress
) -> tuple[dict[str, Any], str]:
    from customlabels.services.models.prelabel import run_prelabel

    return run_prelabel(ctx, params, progress)


MODEL_JOBS: dict[str, JobBody] = {"model.train": _train, "model.prelabel": _prelabel}
