"""trigram index on entries.source_ref

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00

A substring filter on the source-ref (ListDatasetEntries' ``source_ref_contains``) that
matches few entries used to walk every entry of the dataset. A trigram index finds the few
candidates instead (services/entry_query.py chooses between the two plans):

- PostgreSQL: pg_trgm and a GIN index with ``gin_trgm_ops``, which serves ``LIKE '%x%'``
  (the index is lossy and case-insensitive; the heap recheck applies the exact LIKE).
- SQLite: an FTS5 table with the trigram tokenizer over the entries' source-refs, as an
  external-content table (``content='entries'``: the text is not stored twice), kept in
  step by triggers. ``detail=none`` keeps only which rows hold a trigram, not where: about
  a third of the size and half the write cost of ``detail=full``. A query then asks for
  rows holding all the substring's trigrams, and the caller checks the exact substring on
  those candidates (it does so anyway).

New entries reach the FTS table in groups, through a small pending table. FTS5 writes its
pending terms to disk at every statement that touched it, as a new segment, which later
merges rewrite; entries inserted one statement per row (as SQLAlchemy does on SQLite for
an INSERT .. RETURNING in parameter order, or a plain executemany) then cost ~25 us each
instead of ~5. So an inserted entry's id goes to ``entries_source_ref_fts_pending``, and
the insert that makes it hold PENDING_FLUSH ids moves them into the FTS table in one
statement. The invariant the queries rely on: every entry is either in the FTS table
(under its current source-ref) or in the pending table (at most PENDING_FLUSH - 1 ids),
never both; a search reads both. Deletes and source-ref changes of indexed entries,
single statements over many rows in practice, update the FTS table at once.

The triggers fire on every write, whatever issues it (imports, edits, deletes by cascade
from datasets and projects); moving entries between datasets (split) doesn't touch the
source-ref, so it doesn't touch the index either. Rebuilding the FTS table by hand
('rebuild') must empty the pending table in the same transaction, or its ids would be
indexed twice.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FTS = "entries_source_ref_fts"
PENDING = "entries_source_ref_fts_pending"
PENDING_FLUSH = 256
NOT_PENDING = f"NOT EXISTS (SELECT 1 FROM {PENDING} WHERE id = old.id)"

SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(source_ref, content='entries', "
    "content_rowid='id', tokenize='trigram case_sensitive 1', detail=none)",
    f"CREATE TABLE {PENDING} (id INTEGER PRIMARY KEY)",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON entries BEGIN
        INSERT INTO {PENDING} (id) VALUES (new.id);
    END""",
    f"""CREATE TRIGGER {FTS}_flush AFTER INSERT ON {PENDING}
    WHEN (SELECT count(*) FROM {PENDING}) >= {PENDING_FLUSH} BEGIN
        INSERT INTO {FTS} (rowid, source_ref)
            SELECT id, source_ref FROM entries WHERE id IN (SELECT id FROM {PENDING});
        DELETE FROM {PENDING};
    END""",
    # An external-content table must be told the old text to forget it: 'delete' with the
    # exact values that were indexed. A pending entry was never indexed.
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON entries BEGIN
        INSERT INTO {FTS} ({FTS}, rowid, source_ref)
            SELECT 'delete', old.id, old.source_ref WHERE {NOT_PENDING};
        DELETE FROM {PENDING} WHERE id = old.id;
    END""",
    # A pending entry's new source-ref is read when it is indexed.
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF id, source_ref ON entries
    WHEN old.id IS NOT new.id OR old.source_ref IS NOT new.source_ref BEGIN
        INSERT INTO {FTS} ({FTS}, rowid, source_ref)
            SELECT 'delete', old.id, old.source_ref WHERE {NOT_PENDING};
        INSERT INTO {FTS} (rowid, source_ref)
            SELECT new.id, new.source_ref WHERE {NOT_PENDING};
        UPDATE {PENDING} SET id = new.id WHERE id = old.id;
    END""",
    # Index the entries already there.
    f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_entries_source_ref_trgm",
        "entries",
        ["source_ref"],
        postgresql_using="gin",
        postgresql_ops={"source_ref": "gin_trgm_ops"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for suffix in ("insert", "flush", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {PENDING}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
        return
    # The extension stays: other objects may use it.
    op.drop_index("ix_entries_source_ref_trgm", table_name="entries")
