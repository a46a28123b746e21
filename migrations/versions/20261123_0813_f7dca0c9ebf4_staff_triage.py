"""staff triage

Revision ID: f7dca0c9ebf4
Revises: e6cbf9b8dae3
Create Date: 2026-11-23 08:13:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'f7dca0c9ebf4'
down_revision = 'e6cbf9b8dae3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
