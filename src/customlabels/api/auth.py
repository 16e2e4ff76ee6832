"""Authentication and authorisation of every API request.

A request is made by a user, known by an API key (``Authorization: Bearer KEYID:SECRET``)
or by the console's session cookie; a cookie-authenticated write must also carry the
session's CSRF token in ``X-CSRF-Token`` (a page of another site can make the browser send
the cookie, but can't read the token). Then the route's rule (``api/route_rules.py``) says
which role the user needs, on the server, on the project in the path, or on a job's project.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from customlabels.api.route_rules import Rule, Scope, rule_for
from customlabels.error_base import CustomLabelsError
from customlabels.errors import AccessDenied, JobNotFound, ProjectNotFound
from customlabels.services import actor, api_keys, web_sessions
from customlabels.services.context import Context
from customlabels.services.principals import Principal
from customlabels.services.project_access import role_on_job, role_on_project_named
from customlabels.services.roles import Role, at_least

SESSION_COOKIE = "customlabels_session"
CSRF_COOKIE = "customlabels_csrf"  # readable by the console's script, which echoes it
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/v1"


class NotAuthenticated(CustomLabelsError):
    status = 401
    code = "NotAuthenticated"


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def authenticate(request: Request) -> Principal | None:
    """The user making ``request``, or None when it carries no credentials at all."""
    ctx = _ctx(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, credentials = header.partition(" ")
        key_id, sep, secret = credentials.strip().partition(":")
        if scheme.lower() != "bearer" or not sep:
            raise NotAuthenticated(
                "the Authorization header must be 'Bearer <AccessKeyId>:<SecretAccessKey>'"
            )
        principal = api_keys.principal_of_key(ctx, key_id, secret)
        if principal is None:
            raise NotAuthenticated("the API key is unknown or its secret is wrong")
        # Shown beside the key in the console and the CLI, so unused keys can be revoked.
        api_keys.note_key_used(ctx, key_id)
        return principal
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        principal = web_sessions.principal_of_session(ctx, token)
        if principal is None:
            raise NotAuthenticated("the session has ended: sign in again")
        return principal
    return None


def _check_csrf(request: Request, principal: Principal) -> None:
    if principal.csrf_token is None or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), principal.csrf_token.encode()):
        raise AccessDenied(
            f"a signed-in write needs the session's {CSRF_HEADER} header "
            "(requests from other sites are refused)"
        )


def _project_role(ctx: Context, principal: Principal, project: str) -> Role:
    role = role_on_project_named(ctx, principal, project)
    if role is None:
        # The same answer as for a project that doesn't exist: names are not revealed.
        raise ProjectNotFound(f"no project {project!r}")
    return role


def _job_role(ctx: Context, principal: Principal, job_id: str) -> Role:
    if not job_id.isdigit():
        return principal.role  # the route refuses it as invalid input, which reveals nothing
    role = role_on_job(ctx, principal, int(job_id))
    if role is None:  # as a missing job: other projects' jobs are not revealed
        raise JobNotFound(f"no job {job_id}")
    return role


def _role_in_scope(request: Request, principal: Principal, rule: Rule) -> Role:
    ctx, params = _ctx(request), request.path_params
    if rule.scope == Scope.PROJECT:
        return _project_role(ctx, principal, str(params["project"]))
    if rule.scope == Scope.JOB:
        return _job_role(ctx, principal, str(params["job_id"]))
    return principal.role


def authorize(request: Request) -> Principal | None:
    """The router-wide dependency: who is asking, and may they call this route."""
    route = request.scope.get("route")
    path = route.path if isinstance(route, APIRoute) else request.url.path
    # Routes of included routers know their path without the prefix, the app's own with it.
    path = path.removeprefix(API_PREFIX)
    rule = rule_for(request.method, path)
    if rule is None:
        raise AccessDenied(f"{request.method} {path} has no access rule: refused to everyone")
    principal = authenticate(request)
    request.state.principal = principal
    if rule.scope == Scope.PUBLIC:
        return principal
    if principal is None:
        raise NotAuthenticated(
            "sign in, or send an API key as 'Authorization: Bearer <AccessKeyId>:<SecretAccessKey>'"
        )
    _check_csrf(request, principal)
    if rule.scope == Scope.SELF:
        if request.path_params.get("name") != principal.name and principal.role != Role.ADMIN:
            raise AccessDenied("only the user themselves or an admin may do this")
        return principal
    if not at_least(_role_in_scope(request, principal, rule), rule.role):
        raise AccessDenied(f"{request.method} {path} needs the {rule.role} role")
    return principal


async def authorize_as_actor(
    principal: Annotated[Principal | None, Depends(authorize)],
) -> Principal | None:
    """``authorize``, then name the user as the actor of every change the request makes.

    Async on purpose: FastAPI runs a sync dependency in a worker thread with a copy of the
    request's context, so a ContextVar set there is lost before the route runs; set here,
    in the request's own context, it is copied into the sync route's thread
    (tests/api/test_audit.py checks it).
    """
    actor.set_actor(principal.name if principal is not None else actor.ANONYMOUS)
    return principal


async def current_principal(request: Request) -> Principal:
    """The signed-in user of a route whose rule needs one (set by ``authorize``); async, as
    it waits for nothing (a sync dependency would cost a hop to a worker thread)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise NotAuthenticated("sign in first")
    return principal


def signed_in(request: Request) -> Principal:
    """For routes outside the API routers (the docs pages): any signed-in user."""
    principal = authenticate(request)
    if principal is None:
        raise NotAuthenticated("sign in to read the API documentation")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
