"""API keys: an access key id and a secret per key, the secret shown once and kept
encrypted (services/secret_box.py) so that a Signature V4 check can be made with it."""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from customlabels.db.tables import ApiKey, User, utcnow
from customlabels.errors import NotFound
from customlabels.services import secret_box
from customlabels.services.accounts import get_user
from customlabels.services.context import Context
from customlabels.services.principals import Principal
from customlabels.services.roles import Role

KEY_ID_PREFIX = "AKCL"  # 20 characters in all, the shape of an AWS access key id


class KeyNotFound(NotFound):
    code = "KeyNotFound"


@dataclass(frozen=True)
class NewKey:
    access_key_id: str
    secret_access_key: str
    user: str


@dataclass(frozen=True)
class KeyInfo:
    access_key_id: str
    user: str
    created_at: datetime
    last_used_at: datetime | None


def _new_key_id() -> str:
    return KEY_ID_PREFIX + base64.b32encode(secrets.token_bytes(10)).decode()[:16]


def create_key(ctx: Context, user_name: str) -> NewKey:
    secret = secrets.token_urlsafe(30)  # 40 characters, as an AWS secret access key
    with ctx.db.write() as session:
        user = get_user(session, user_name)
        key = ApiKey(
            access_key_id=_new_key_id(),
            user_id=user.id,
            secret_encrypted=secret_box.encrypt(ctx.settings, secret),
        )
        session.add(key)
        session.flush()
        return NewKey(key.access_key_id, secret, user.name)


def list_keys(ctx: Context, user_name: str | None = None) -> list[KeyInfo]:
    with ctx.db.read() as session:
        query = select(ApiKey, User.name).join(User, User.id == ApiKey.user_id)
        if user_name is not None:
            query = query.where(User.id == get_user(session, user_name).id)
        rows = session.execute(query.order_by(User.name, ApiKey.id)).all()
        return [KeyInfo(k.access_key_id, name, k.created_at, k.last_used_at) for k, name in rows]


def key_owner(ctx: Context, access_key_id: str) -> str:
    with ctx.db.read() as session:
        name = session.scalar(
            select(User.name)
            .join(ApiKey, ApiKey.user_id == User.id)
            .where(ApiKey.access_key_id == access_key_id)
        )
    if name is None:
        raise KeyNotFound(f"no API key {access_key_id!r}")
    return name


def revoke_key(ctx: Context, access_key_id: str) -> None:
    with ctx.db.write() as session:
        key = session.scalar(select(ApiKey).where(ApiKey.access_key_id == access_key_id))
        if key is None:
            raise KeyNotFound(f"no API key {access_key_id!r}")
        session.delete(key)
    ctx.auth_cache.keys.forget(access_key_id)


def secret_of(ctx: Context, access_key_id: str) -> tuple[Principal, str] | None:
    """The key's user and plain secret (what a Signature V4 check signs with), or None.

    Remembered for a few seconds (services/auth_cache.py): every request with the key asks,
    and the secret is decrypted each time.
    """
    cached = ctx.auth_cache.keys.get(access_key_id)
    if cached is not None:
        return cached
    with ctx.db.read() as session:
        row = session.execute(
            select(ApiKey.secret_encrypted, User.id, User.name, User.role)
            .join(User, User.id == ApiKey.user_id)
            .where(ApiKey.access_key_id == access_key_id)
        ).first()
    if row is None:
        return None
    encrypted, user_id, name, role = row
    found = Principal(user_id, name, Role(role)), secret_box.decrypt(ctx.settings, encrypted)
    ctx.auth_cache.keys.put(access_key_id, found)
    return found


def principal_of_key(ctx: Context, access_key_id: str, secret: str) -> Principal | None:
    """The key's user when ``secret`` is its secret, else None."""
    found = secret_of(ctx, access_key_id)
    if found is None or not hmac.compare_digest(found[1].encode(), secret.encode()):
        return None
    return found[0]


# When this process last wrote each key's last use: a write per request would take the
# database's write lock on every API call, so a key's use is written at most once a minute.
NOTE_EVERY_S = 60.0
_noted: dict[str, float] = {}
_noted_lock = threading.Lock()


def note_key_used(ctx: Context, access_key_id: str) -> None:
    """Record when a key was last used (shown beside it, so unused keys can be revoked)."""
    now = time.monotonic()
    with _noted_lock:
        last = _noted.get(access_key_id)
        if last is not None and now - last < NOTE_EVERY_S:
            return
        _noted[access_key_id] = now
    with ctx.db.write() as session:
        key = session.scalar(select(ApiKey).where(ApiKey.access_key_id == access_key_id))
        if key is not None:
            key.last_used_at = utcnow()
