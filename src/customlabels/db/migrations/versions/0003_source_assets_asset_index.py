"""index source_assets by asset

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:00:00

Removing an asset (services/reclaim.py) removes the source-file cache rows naming it, by
cascade; without this index each removed asset made the database read the whole cache.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_source_assets_asset", "source_assets", ["asset_id"])


def downgrade() -> None:
    op.drop_index("ix_source_assets_asset", table_name="source_assets")
