"""Small dialect differences kept in one place."""

from __future__ import annotations

from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import CursorResult, Executable
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


def driver_values(session: Session, column: Any) -> Any:
    """The function turning a Python value of ``column`` into what the DB driver takes.

    For ``insert_rows``: JSON becomes text, timestamps the dialect's form. Apply it once to
    values every row shares (a batch's timestamp), per row only where values differ.
    """
    dialect = session.get_bind().dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else (lambda value: value)


# Rows per multi-row INSERT, at most (the bound-value limit may say fewer): SQLite spends less
# per row in statements of a few thousand rows, PostgreSQL in statements of a thousand.
_MAX_ROWS = {"sqlite": 5_000}
_MAX_ROWS_ELSE = 1_000


def insert_rows(
    session: Session, table: Any, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT many rows given as tuples of driver values (see ``driver_values``).

    Multi-row ``INSERT ... VALUES (...), (...)`` statements, as few as the bound-value limit
    allows, with no per-row work in SQLAlchemy. On SQLite it also keeps the triggers that
    maintain the FTS5 source-ref index of ``entries`` cheap: FTS5 writes what it buffered to
    disk at every statement that touches it, so one statement per row (an executemany)
    costs about three times as much per entry.

    On PostgreSQL it is a ``COPY ... FROM STDIN``: psycopg parses the placeholders of every
    statement too long for its cache anew (a regular expression over ~10,000 of them per
    1,000-row INSERT), which cost more than the database's own work; COPY has none.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    if dialect.name == "postgresql":
        names = ", ".join(quote(c) for c in columns)
        # The session's own connection, so the rows go in its transaction.
        raw = connection.connection.driver_connection
        sql = f"COPY {quote(table.name)} ({names}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    if dialect.paramstyle not in ("qmark", "format", "pyformat"):
        raise RuntimeError(
            f"database driver paramstyle {dialect.paramstyle!r} is not supported: "
            "use SQLite or PostgreSQL through psycopg"
        )
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES "
    # Bound values per statement: 32,700, or 999 on SQLite before 3.32 (SQLAlchemy knows).
    max_values = dialect.insertmanyvalues_max_parameters
    most = _MAX_ROWS.get(dialect.name, _MAX_ROWS_ELSE)
    per_statement = max(1, min(most, max_values // len(columns)))
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        sql = _values_sql(head, mark, len(columns), len(part))
        connection.exec_driver_sql(sql, tuple(chain.from_iterable(part)))


@lru_cache(maxsize=64)
def _values_sql(head: str, mark: str, width: int, count: int) -> str:
    one = "(" + ", ".join([mark] * width) + ")"
    return head + ", ".join([one] * count)


def changed_rows(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed.

    ``Session.execute`` is typed to return a plain ``Result``; for these statements it is
    the driver's cursor result, which alone knows ``rowcount``.
    """
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount
