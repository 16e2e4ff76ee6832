"""The handles every service function works with: settings, database, image store."""

from __future__ import annotations

from dataclasses import dataclass, field

from customlabels.config import Settings
from customlabels.db.engine import Database, check_reachable, make_engine
from customlabels.db.migrate import upgrade
from customlabels.services.auth_cache import AuthCache
from customlabels.storage.factory import open_blob_store
from customlabels.storage.protocol import BlobStore
from customlabels.storage.s3 import S3Options


@dataclass
class Context:
    settings: Settings
    db: Database
    blobs: BlobStore
    # Who credentials are and users' project roles, for a few seconds (auth_cache.py).
    auth_cache: AuthCache = field(default_factory=AuthCache)

    def close(self) -> None:
        self.db.dispose()


def open_context(settings: Settings, *, migrate: bool = True) -> Context:
    """Open the configured back ends; fail clearly when one is unreachable.

    The embedded default (SQLite) is migrated at start-up; a PostgreSQL database is too
    when ``migrate`` is true (``customlabels db upgrade`` does it explicitly).
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(
        settings.resolved_database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    check_reachable(engine)
    if migrate:
        upgrade(engine)
    return Context(
        settings=settings,
        db=Database(engine),
        blobs=open_blob_store(
            settings.storage_url, settings.data_dir, S3Options.from_settings(settings)
        ),
    )
