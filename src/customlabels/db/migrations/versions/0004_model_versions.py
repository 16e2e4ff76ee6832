"""model versions, their snapshots, and machine-made labels

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10 10:00:00

Columns are added to entries, entry_labels, boxes and jobs with plain ADD COLUMN, never a
batch (copy-and-move) alter on SQLite: a copy of ``entries`` would lose the triggers of
its FTS5 source-ref index (migration 0002).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_message", sa.Text(), nullable=False),
        sa.Column("status_code", sa.String(length=64), nullable=True),
        sa.Column("task", sa.String(length=32), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("label_names", sa.JSON(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("evaluation", sa.JSON(), nullable=True),
        sa.Column("raw_scores_key", sa.Text(), nullable=True),
        sa.Column("artifact_key", sa.Text(), nullable=True),
        sa.Column("job_id", ID, nullable=True),
        sa.Column("source_version_arn", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("training_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name"),
    )
    op.create_index("ix_model_versions_status", "model_versions", ["project_id", "status"])
    op.create_table(
        "model_snapshots",
        sa.Column("id", ID, nullable=False),
        sa.Column("version_id", ID, nullable=False),
        sa.Column("dataset_type", sa.String(length=5), nullable=False),
        sa.Column("blob_key", sa.Text(), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.Column("label_count", sa.Integer(), nullable=False),
        sa.Column("box_count", sa.BigInteger(), nullable=False),
        sa.Column("held_out", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["model_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "dataset_type"),
    )
    op.add_column("entry_labels", sa.Column("confidence", sa.Float(), nullable=True))
    op.add_column("boxes", sa.Column("confidence", sa.Float(), nullable=True))
    op.add_column(
        "entries",
        sa.Column("has_predictions", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_entries_predicted", "entries", ["dataset_id", "has_predictions", "id"])
    op.add_column("jobs", sa.Column("progress", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("jobs", "progress")
    op.drop_index("ix_entries_predicted", table_name="entries")
    op.drop_column("entries", "has_predictions")
    op.drop_column("boxes", "confidence")
    op.drop_column("entry_labels", "confidence")
    op.drop_table("model_snapshots")
    op.drop_index("ix_model_versions_status", table_name="model_versions")
    op.drop_table("model_versions")
