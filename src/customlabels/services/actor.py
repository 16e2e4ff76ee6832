"""Who is acting: the name every audit event records, without a parameter on every service.

The API's ``authorize_as_actor`` sets it for each request, the CLI for its process, a worker for
each job it runs (to whoever queued the job). A ``ContextVar`` keeps concurrent requests
apart; Starlette copies the request's context into the threadpool of a sync route, so a
value set by an async dependency is seen by the route and every service it calls (one set
in a sync dependency is not: that runs in a copy of the context, thrown away after).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SYSTEM = "system"
# A request without credentials, to a public route (signing in): it changes nothing audited.
ANONYMOUS = "anonymous"
# The key of a job's params that names who queued it (see services.jobs.create_job).
REQUESTED_BY = "requested_by"

_actor: ContextVar[str | None] = ContextVar("customlabels_actor", default=None)


def current() -> str:
    """The acting user's name; "system" when nobody set one (a job nobody asked for)."""
    return _actor.get() or SYSTEM


def is_set() -> bool:
    return _actor.get() is not None


def set_actor(name: str) -> None:
    """Name who acts from here on in this context (a request, the CLI process)."""
    _actor.set(name)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Name who acts inside the block (a job run for whoever queued it), then restore."""
    token = _actor.set(name)
    try:
        yield
    finally:
        _actor.reset(token)


def cli_actor() -> str:
    """The CLI's actor: the operator's OS user, as the CLI needs no key."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER: a bare container
        user = "unknown"
    return f"cli:{user}"
