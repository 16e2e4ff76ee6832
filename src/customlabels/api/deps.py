"""What routes receive: the service context and the job queue of the running app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from customlabels.jobs.queue import JobQueue
from customlabels.services.context import Context


# Async on purpose, as they wait for nothing: FastAPI runs a sync dependency in a worker
# thread, a hop per request (and per dependency) that costs more than the lookup itself.
async def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


async def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


Ctx = Annotated[Context, Depends(get_ctx)]
Queue = Annotated[JobQueue, Depends(get_queue)]
