"""Engines for SQLite (WAL, foreign keys, one writer) and PostgreSQL, and sessions.

SQLite allows one writer at a time. Write transactions start with ``BEGIN IMMEDIATE`` so a
writer takes the lock up front (waiting up to ``busy_timeout``) instead of failing halfway
with "database is locked"; readers use plain ``BEGIN`` and never block in WAL mode.

Within one process, writers of a SQLite database also queue on a lock of their own
(``WriterLock``) before ``BEGIN IMMEDIATE``: SQLite's busy handler makes a waiting writer
sleep and poll (in steps of up to 100 ms) and serves nobody in order, so under load most of
a write's time was spent asleep while the lock stood free, and an unlucky writer waited
seconds. Queued on a lock, each writer is woken the moment the previous one commits, in
the order they came. Other processes (the CLI, a worker) still meet at ``BEGIN IMMEDIATE``
and wait with ``busy_timeout``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from customlabels.errors import ServiceUnavailable


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred-only).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("sqlite_immediate"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


BUSY_TIMEOUT_S = 60
# The server runs sync routes and dependencies in anyio's thread pool, 40 threads by
# default: each may hold a connection, so a smaller pool makes requests queue for one
# (SQLAlchemy's default, 5 + 10, did: a quarter of a write's time under load). A SQLite
# connection is a file handle and some cache, so SQLite gets one per thread; PostgreSQL's
# connections are server processes, bounded by its max_connections (100 by default).
SQLITE_POOL = (40, 10)
POSTGRES_POOL = (20, 20)


def make_engine(
    url: str, *, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """Create the engine for ``url`` with the dialect's settings.

    ``pool_size`` and ``max_overflow`` default per dialect (``SQLITE_POOL``, ``POSTGRES_POOL``).
    """
    if url.startswith("sqlite"):
        size, overflow = SQLITE_POOL
        size, overflow = pool_size or size, overflow if max_overflow is None else max_overflow
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S},
            **_pool_args(url, size, overflow),
        )
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    size, overflow = POSTGRES_POOL
    return create_engine(
        url,
        pool_size=pool_size or size,
        max_overflow=overflow if max_overflow is None else max_overflow,
        pool_pre_ping=True,
    )


def _pool_args(url: str, size: int, overflow: int) -> dict[str, int]:
    # An in-memory SQLite database is one connection (SQLAlchemy's SingletonThreadPool or
    # StaticPool), which takes no pool sizes.
    if url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url:
        return {}
    return {"pool_size": size, "max_overflow": overflow}


class WriterLock:
    """A lock that serves its waiters in the order they came (``threading.Lock`` doesn't
    promise it), re-entrant for its holder, and that gives up after ``timeout`` seconds."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._owner: int | None = None
        self._depth = 0

    def acquire(self, timeout: float) -> bool:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None and not self._waiters:
                self._owner, self._depth = me, 1
                return True
            baton = threading.Lock()
            baton.acquire()
            self._waiters.append(baton)
        handed = baton.acquire(timeout=timeout)
        with self._mutex:
            if not handed and baton in self._waiters:  # still queued: give up
                self._waiters.remove(baton)
                return False
            # Handed over (perhaps just as the wait ran out): it is ours.
            self._owner, self._depth = me, 1
            return True

    def release(self) -> None:
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("release of a WriterLock not held by this thread")
            self._depth -= 1
            if self._depth:
                return
            self._owner = None
            if self._waiters:
                # Handed straight to the first waiter: nobody arriving meanwhile can barge in.
                self._owner = -1  # held, on its way to the waiter (which sets itself)
                self._waiters.popleft().release()


_writer_locks: dict[str, WriterLock] = {}
_writer_locks_guard = threading.Lock()


def writer_lock_for(engine: Engine) -> WriterLock:
    """The process's one writer lock of the SQLite database of ``engine`` (shared by every
    engine on the same file)."""
    key = engine.url.database or ""
    with _writer_locks_guard:
        return _writer_locks.setdefault(key, WriterLock())


def check_reachable(engine: Engine) -> None:
    """Fail with a clear error when the configured database can't be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise ServiceUnavailable(
            f"database {engine.url.render_as_string(hide_password=True)} is unreachable: {exc.orig}"
        ) from exc


class Database:
    """The engine and the two kinds of session the services use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writer_lock: WriterLock | None = None
        if self.is_sqlite:
            self._write_engine = engine.execution_options(sqlite_immediate=True)
            self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
            self._writer_lock = writer_lock_for(engine)
        else:
            self._write_sessions = self._sessions

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (never takes SQLite's write lock).

        The objects read stay usable after the block: they are detached before the
        rollback that ends the read transaction, which would otherwise expire them (and
        reading an attribute of an expired, detached object raises DetachedInstanceError).
        """
        with self._sessions() as session:
            yield session
            session.expunge_all()
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed on success and rolled back on error.

        On SQLite the process's writers take turns on its ``WriterLock`` first (see the
        module's docstring): held from before ``BEGIN IMMEDIATE`` until after the commit.
        """
        lock = self._writer_lock
        if lock is None:
            with self._write_sessions() as session, session.begin():
                yield session
            return
        if not lock.acquire(timeout=BUSY_TIMEOUT_S):
            raise ServiceUnavailable(
                f"the database stayed busy for {BUSY_TIMEOUT_S} s: try again later"
            )
        try:
            with self._write_sessions() as session, session.begin():
                yield session
        finally:
            lock.release()

    def dispose(self) -> None:
        self.engine.dispose()
