"""Users: create, list, change role or password, delete; the first admin of a new server."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from customlabels.db.tables import ApiKey, User
from customlabels.errors import AlreadyExists, InvalidInput, NotFound, ResourceInUse
from customlabels.services.context import Context
from customlabels.services.roles import Role, parse_role

USER_NAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024  # argon2 hashes anything, but a megabyte password is an attack

# argon2-cffi's defaults (RFC 9106's second recommendation); one hasher, thread-safe.
_hasher = PasswordHasher()
# Verified against when the user doesn't exist, so that a wrong name takes as long as a
# wrong password and sign-in times don't tell which names exist.
_DUMMY_HASH = _hasher.hash("no such user: " + secrets.token_hex(8))


class UserNotFound(NotFound):
    code = "UserNotFound"


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: Role
    has_password: bool
    key_count: int
    created_at: datetime


def check_user_name(name: str) -> str:
    if not USER_NAME.fullmatch(name):
        raise InvalidInput(
            f"invalid user name {name!r}: use 1-64 characters of a-z, A-Z, 0-9, '_', '.', '@', '-'"
        )
    return name


def check_password(password: str) -> str:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise InvalidInput(
            f"a password must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        )
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def password_matches(password_hash: str | None, password: str) -> bool:
    """True when ``password`` is the user's; as slow for a user without a password."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise UserNotFound(f"no user {name!r}")
    return user


def _info(session: Session, user: User) -> UserInfo:
    keys = session.scalar(select(func.count()).where(ApiKey.user_id == user.id)) or 0
    return UserInfo(
        user.name, Role(user.role), user.password_hash is not None, keys, user.created_at
    )


def create_user(ctx: Context, name: str, role: str, password: str | None = None) -> UserInfo:
    check_user_name(name)
    chosen = parse_role(role)
    password_hash = hash_password(password) if password is not None else None
    with ctx.db.write() as session:
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise AlreadyExists(f"user {name!r} already exists")
        user = User(name=name, role=chosen.value, password_hash=password_hash)
        session.add(user)
        session.flush()
        return _info(session, user)


def list_users(ctx: Context) -> list[UserInfo]:
    with ctx.db.read() as session:
        return [_info(session, u) for u in session.scalars(select(User).order_by(User.name))]


def describe_user(ctx: Context, name: str) -> UserInfo:
    with ctx.db.read() as session:
        return _info(session, get_user(session, name))


def _admin_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(User.role == Role.ADMIN.value)) or 0


def set_role(ctx: Context, name: str, role: str) -> UserInfo:
    chosen = parse_role(role)
    with ctx.db.write() as session:
        user = get_user(session, name)
        if user.role == Role.ADMIN and chosen != Role.ADMIN and _admin_count(session) == 1:
            raise ResourceInUse(f"{name!r} is the last admin: make another admin first")
        user.role = chosen.value
        info = _info(session, user)
        user_id = user.id
    ctx.auth_cache.forget_user(user_id)
    return info


def set_password(ctx: Context, name: str, password: str) -> None:
    new_hash = hash_password(password)
    with ctx.db.write() as session:
        user = get_user(session, name)
        user.password_hash = new_hash
        user.failed_signins = 0
        user.signin_blocked_until = None
        user_id = user.id
    ctx.auth_cache.forget_user(user_id)


def delete_user(ctx: Context, name: str) -> None:
    """Delete a user with their keys, sessions and project grants; never the last admin."""
    with ctx.db.write() as session:
        user = get_user(session, name)
        if user.role == Role.ADMIN and _admin_count(session) == 1:
            raise ResourceInUse(f"{name!r} is the last admin: make another admin first")
        user_id = user.id
        session.delete(user)
    ctx.auth_cache.forget_user(user_id)  # its sessions and keys went with it


def ensure_first_admin(ctx: Context) -> str | None:
    """On a server with no users, make ``admin``: with the admin_password setting, else a
    random password, which is returned (to be printed once). None when users exist."""
    with ctx.db.read() as session:
        if session.scalar(select(func.count()).select_from(User)):
            return None
    password = ctx.settings.admin_password or secrets.token_urlsafe(12)
    try:
        create_user(ctx, "admin", Role.ADMIN.value, password)
    except AlreadyExists:  # another server process made it first
        return None
    return None if ctx.settings.admin_password else password
