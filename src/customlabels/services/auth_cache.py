"""A few seconds' memory, per process, of who a credential is and what role a user holds
on a project: every API request asks both (a thumbnail is most of the requests), and each
answer was a database transaction of its own, the API key's also a Fernet decryption.

Changes made through this process forget what they change at once (sign-out, a revoked
key, a deleted user or a new role, a grant or revocation, members-only, a deleted
project); another process's changes are seen within ``TTL_S``. Only positive answers are
kept: an unknown session, key or project is looked up every time.

A small dict with expiry rather than ``cachetools.TTLCache``: that is not a dependency,
and this needs only get, put, forget and clear under a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Generic, TypeVar

from customlabels.db.tables import utcnow
from customlabels.services.principals import Principal
from customlabels.services.roles import Role

TTL_S = 5.0
MAX_ENTRIES = 10_000

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """key -> value for ``ttl_s`` seconds, at most ``max_entries`` (emptied when full)."""

    def __init__(self, ttl_s: float = TTL_S, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._items: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] <= time.monotonic():
                del self._items[key]
                return None
            return item[1]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if len(self._items) >= self.max_entries:
                self._items.clear()  # rare (that many users within TTL_S): simply start over
            self._items[key] = (time.monotonic() + self.ttl_s, value)

    def forget(self, key: K) -> None:
        with self._lock:
            self._items.pop(key, None)

    def forget_where(self, matches: Callable[[K, V], bool]) -> None:
        with self._lock:
            for key in [k for k, (_, v) in self._items.items() if matches(k, v)]:
                del self._items[key]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class AuthCache:
    """The three caches of one service context (one database)."""

    def __init__(self, ttl_s: float = TTL_S) -> None:
        # sha256 of the session token -> (the principal, when the session expires)
        self.sessions: TtlCache[str, tuple[Principal, datetime]] = TtlCache(ttl_s)
        # access key id -> (the principal, the plain secret)
        self.keys: TtlCache[str, tuple[Principal, str]] = TtlCache(ttl_s)
        # (user id, project name) -> the user's role on the project
        self.project_roles: TtlCache[tuple[int, str], Role] = TtlCache(ttl_s)

    def session(self, token_hash: str) -> Principal | None:
        found = self.sessions.get(token_hash)
        if found is None or found[1] <= utcnow():
            return None
        return found[0]

    def forget_user(self, user_id: int) -> None:
        """After a user's role changed or the user was deleted (with their sessions and keys)."""
        self.sessions.forget_where(lambda _, v: v[0].user_id == user_id)
        self.keys.forget_where(lambda _, v: v[0].user_id == user_id)
        self.project_roles.forget_where(lambda k, _: k[0] == user_id)

    def forget_project(self, project: str) -> None:
        """After a project's grants or members-only changed, or it was deleted."""
        self.project_roles.forget_where(lambda k, _: k[1] == project)

    def clear(self) -> None:
        self.sessions.clear()
        self.keys.clear()
        self.project_roles.clear()
