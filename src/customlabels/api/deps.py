"""What routes receive: the service context and the job queue of the running app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from customlabels.jobs.queue import JobQueue
from customlabels.services.context import Context


def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


Ctx = Annotated[Context, Depends(get_ctx)]
Queue = Annotated[JobQueue, Depends(get_queue)]
