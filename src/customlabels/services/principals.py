"""Who is making a request: a user, with the role they hold across the server."""

from __future__ import annotations

from dataclasses import dataclass

from customlabels.services.roles import Role


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: Role
    # Set when the request came with a console session cookie: every write must echo it.
    csrf_token: str | None = None
