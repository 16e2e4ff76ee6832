"""audit_events: who changed which entry, label, dataset, project or model version

A plain create_table: no existing table changes (see migration 0004 on batch alters).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("project_id", ID, nullable=True),
        sa.Column("project_name", sa.String(length=255), nullable=True),
        sa.Column("dataset_type", sa.String(length=5), nullable=True),
        sa.Column("dataset_id", ID, nullable=True),
        sa.Column("entry_id", ID, nullable=True),
        sa.Column("entry_min", ID, nullable=True),
        sa.Column("entry_max", ID, nullable=True),
        sa.Column("label", sa.String(length=255), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_entry", "audit_events", ["entry_id", "id"])
    op.create_index(
        "ix_audit_events_bulk", "audit_events", ["dataset_id", "entry_min", "entry_max"]
    )
    op.create_index("ix_audit_events_project", "audit_events", ["project_id", "id"])
    op.create_index("ix_audit_events_at", "audit_events", ["at"])


def downgrade() -> None:
    op.drop_table("audit_events")
