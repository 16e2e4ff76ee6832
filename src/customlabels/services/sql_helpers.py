"""Small dialect differences kept in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_conflicts(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT rows, skipping those that clash with a unique key (content-addressed rows)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module = sqlite if dialect == "sqlite" else postgresql
    session.execute(module.insert(table).on_conflict_do_nothing(), rows)


def upsert(
    session: Session, table: Any, rows: list[dict[str, Any]], keys: list[str], update: list[str]
) -> None:
    """INSERT rows, or update ``update`` columns of the row with the same ``keys``."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module = sqlite if dialect == "sqlite" else postgresql
    statement = module.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={c: statement.excluded[c] for c in update}
    )
    session.execute(statement, rows)
