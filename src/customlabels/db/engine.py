"""Engines for SQLite (WAL, foreign keys, one writer) and PostgreSQL, and sessions.

SQLite allows one writer at a time. Write transactions start with ``BEGIN IMMEDIATE`` so a
writer takes the lock up front (waiting up to ``busy_timeout``) instead of failing halfway
with "database is locked"; readers use plain ``BEGIN`` and never block in WAL mode.
"""

from __future__ import annotations

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


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` with the dialect's settings."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


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
        if self.is_sqlite:
            self._write_engine = engine.execution_options(sqlite_immediate=True)
            self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
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
        """A write transaction, committed on success and rolled back on error."""
        with self._write_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
