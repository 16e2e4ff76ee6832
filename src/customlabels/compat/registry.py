"""The operations the compatible API answers: a handler and the role each needs.

Each ``ops_*`` module lists its operations; ``OPERATIONS`` joins them. A test checks that
every Custom Labels operation of botocore's Rekognition model is here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from customlabels.services.context import Context
from customlabels.services.principals import Principal
from customlabels.services.roles import Role

if TYPE_CHECKING:  # the queue's module imports huey; only its type is needed here
    from customlabels.jobs.queue import JobQueue


@dataclass(frozen=True)
class CompatRequest:
    """What a handler works with: the service context, who asks, and the app's job queue
    (for the operations that start a job, as the REST routes queue theirs)."""

    ctx: Context
    principal: Principal
    queue: JobQueue


Handler = Callable[[CompatRequest, dict[str, Any]], dict[str, Any]]
ProjectOf = Callable[[Context, dict[str, Any]], str | None]


@dataclass(frozen=True)
class Operation:
    handler: Handler
    # The role the user needs: on the project the request names (``project_of`` gives its
    # name from the parameters), or on the server when the operation names none.
    role: Role
    project_of: ProjectOf | None = None
    # Another project whose data the operation reads (a dataset copied from it): the user
    # needs at least the viewer role there too.
    reads_from: ProjectOf | None = None


def operations() -> dict[str, Operation]:
    from customlabels.compat import ops_datasets, ops_detect, ops_projects, ops_tags, ops_versions

    found: dict[str, Operation] = {}
    for module in (ops_projects, ops_datasets, ops_versions, ops_detect, ops_tags):
        found.update(module.OPERATIONS)
    return found
