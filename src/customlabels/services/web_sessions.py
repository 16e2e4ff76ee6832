"""Console sign-in: passwords checked with failures slowed, sessions held by a cookie
whose random token is stored only as a hash, each with its own CSRF token."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from customlabels.db.tables import User, WebSession, utcnow
from customlabels.error_base import CustomLabelsError
from customlabels.services.accounts import password_matches
from customlabels.services.context import Context
from customlabels.services.principals import Principal
from customlabels.services.roles import Role

MAX_BLOCK_S = 15 * 60


class SignInFailed(CustomLabelsError):
    status = 401
    code = "SignInFailed"


class SignInThrottled(CustomLabelsError):
    """Too many wrong passwords in a row: the next try must wait (``retry_after_s``)."""

    status = 429
    code = "TooManySignIns"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"too many wrong passwords: try again in {retry_after_s} s",
            {"retry_after_s": retry_after_s},
        )
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    principal: Principal
    max_age_s: int


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(ctx: Context, name: str, password: str) -> NewSession:
    """A new session for ``name`` when the password is right.

    After ``signin_free_failures`` wrong passwords in a row, each further try is refused
    until a wait has passed that doubles with every failure (capped at 15 minutes): slow
    enough to stop guessing, short enough that a user who mistyped is not locked out.
    """
    now = utcnow()
    # Plain values, not the row: the read session's rollback expires every row it loaded,
    # and an expired row read after the session closed raises DetachedInstanceError.
    with ctx.db.read() as session:
        user = session.execute(
            select(
                User.id, User.name, User.role, User.password_hash, User.signin_blocked_until
            ).where(User.name == name)
        ).first()
    blocked_until = user.signin_blocked_until if user is not None else None
    if blocked_until is not None and blocked_until > now:
        raise SignInThrottled(math.ceil((blocked_until - now).total_seconds()))
    if user is None or not password_matches(user.password_hash, password):
        if user is not None:
            _note_failure(ctx, user.id)
        raise SignInFailed("wrong user name or password")
    with ctx.db.write() as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        fresh.failed_signins = 0
        fresh.signin_blocked_until = None
        # Expired sessions of this user go as a new one comes: the table never grows unbounded.
        session.execute(
            delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at < now)
        )
        return _add_session(ctx, session, fresh)


def _add_session(ctx: Context, session: Session, user: User) -> NewSession:
    """A new session row of ``user``: a random token (stored as its hash) and CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    lifetime = timedelta(hours=ctx.settings.session_hours)
    session.add(
        WebSession(
            token_hash=_hash(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=utcnow() + lifetime,
        )
    )
    principal = Principal(user.id, user.name, Role(user.role), csrf)
    return NewSession(token, csrf, principal, int(lifetime.total_seconds()))


def _note_failure(ctx: Context, user_id: int) -> None:
    with ctx.db.write() as session:
        user = session.get(User, user_id)
        if user is None:
            return
        user.failed_signins += 1
        over = user.failed_signins - ctx.settings.signin_free_failures
        if over >= 0:
            wait = min(MAX_BLOCK_S, 2**over)
            user.signin_blocked_until = utcnow() + timedelta(seconds=wait)


def principal_of_session(ctx: Context, token: str) -> Principal | None:
    """The session's user, or None when it is unknown or has expired (remembered for a few
    seconds: every request of the console asks, services/auth_cache.py)."""
    token_hash = _hash(token)
    cached = ctx.auth_cache.session(token_hash)
    if cached is not None:
        return cached
    with ctx.db.read() as session:
        row = session.execute(
            select(WebSession.expires_at, WebSession.csrf_token, User.id, User.name, User.role)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == token_hash)
        ).first()
    if row is None:
        return None
    expires_at, csrf_token, user_id, name, role = row
    if expires_at <= utcnow():
        return None
    principal = Principal(user_id, name, Role(role), csrf_token)
    ctx.auth_cache.sessions.put(token_hash, (principal, expires_at))
    return principal


def sign_out(ctx: Context, token: str) -> None:
    with ctx.db.write() as session:
        session.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))
    ctx.auth_cache.sessions.forget(_hash(token))


def start_session_for(ctx: Context, name: str) -> NewSession:
    """A session for a user without their password: for the operator's own tools (the CLI
    and tests that drive the console as a signed-in user)."""
    with ctx.db.write() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise SignInFailed(f"no user {name!r}")
        return _add_session(ctx, session, user)
