"""Signing in and out of the console, and who is signed in."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from customlabels.api.auth import CSRF_COOKIE, SESSION_COOKIE, CurrentPrincipal
from customlabels.api.deps import Ctx
from customlabels.api.schemas_accounts import PasswordChange, SessionPublic, SignIn
from customlabels.errors import InvalidInput
from customlabels.services import accounts, web_sessions

router = APIRouter(tags=["session"])


def _secure(request: Request) -> bool:
    # Cookies are marked Secure when the app is reached over TLS (directly, or through a
    # proxy that uvicorn trusts for X-Forwarded-Proto), so they never travel in clear.
    return request.url.scheme == "https"


@router.post("/session", response_model=SessionPublic)
def sign_in(body: SignIn, request: Request, response: Response, ctx: Ctx) -> SessionPublic:
    """Sign in with a name and password: sets the session cookie (HttpOnly, SameSite=Strict)."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        # A page of another site can post a form here, but not JSON without our consent:
        # this keeps it from signing a visitor in to an account of its choosing.
        raise InvalidInput("sign in with a JSON body")
    new = web_sessions.sign_in(ctx, body.name, body.password)
    # The session token only the browser holds; the CSRF token the console's script reads.
    for name, value, httponly in (
        (SESSION_COOKIE, new.token, True),
        (CSRF_COOKIE, new.csrf_token, False),
    ):
        response.set_cookie(
            name,
            value,
            max_age=new.max_age_s,
            httponly=httponly,
            samesite="strict",
            secure=_secure(request),
            path="/",
        )
    return SessionPublic(
        name=new.principal.name, role=new.principal.role.value, csrf_token=new.csrf_token
    )


@router.get("/session", response_model=SessionPublic)
def who_am_i(principal: CurrentPrincipal) -> SessionPublic:
    return SessionPublic(
        name=principal.name, role=principal.role.value, csrf_token=principal.csrf_token
    )


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(request: Request, ctx: Ctx) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        web_sessions.sign_out(ctx, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.put("/session/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(body: PasswordChange, principal: CurrentPrincipal, ctx: Ctx) -> Response:
    """Change one's own password; the current one is asked for again."""
    with ctx.db.read() as session:
        # Read inside the session: its rollback expires the row, unreadable after it.
        password_hash = accounts.get_user(session, principal.name).password_hash
    if not accounts.password_matches(password_hash, body.current_password):
        raise InvalidInput("the current password is wrong")
    accounts.set_password(ctx, principal.name, body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
