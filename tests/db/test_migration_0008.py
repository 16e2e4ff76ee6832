"""Migration 0008 numbers existing labels in creation order within each project."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from customlabels.db.migrate import upgrade


def test_existing_labels_get_positions_in_creation_order(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0007")
    with engine.begin() as db:
        for pid, name in ((1, "a"), (2, "b")):
            db.execute(
                sa.text(
                    "INSERT INTO projects (id, name, created_at) VALUES (:i, :n, '2026-01-01')"
                ),
                {"i": pid, "n": name},
            )
        for lid, pid, name in ((5, 1, "zebra"), (6, 2, "other"), (7, 1, "apple")):
            db.execute(
                sa.text(
                    "INSERT INTO labels (id, project_id, name, color, created_at) "
                    "VALUES (:i, :p, :n, '#000000', '2026-01-01')"
                ),
                {"i": lid, "p": pid, "n": name},
            )
    upgrade(engine, "0008")
    with engine.connect() as db:
        rows = db.execute(sa.text("SELECT name, position FROM labels ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("zebra", 0), ("other", 0), ("apple", 1)]
        assert db.execute(sa.text("SELECT COUNT(*) FROM jobs WHERE title = ''")).scalar() == 0
    engine.dispose()
