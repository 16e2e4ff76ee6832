"""jobs.title and labels.position: what a job's user did, and stable label shortcuts

A job's title says what the user did ("Upload of 60 files to TRAIN"), written by the
service that creates it; jobs created before this migration get an empty title, which the
console answers with the job's kind. A label's position is its place in the project's
order (its number-key shortcut in the console): existing labels are numbered in creation
(id) order within their project.

Plain ADD COLUMN, never a batch alter on SQLite (see migration 0004).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("title", sa.Text(), nullable=False, server_default=""))
    op.add_column("labels", sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    # Creation order within each project: the count of the project's older labels.
    op.execute(
        "UPDATE labels SET position = (SELECT COUNT(*) FROM labels AS older "
        "WHERE older.project_id = labels.project_id AND older.id < labels.id)"
    )


def downgrade() -> None:
    op.drop_column("labels", "position")
    op.drop_column("jobs", "title")
