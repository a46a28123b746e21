"""places

Revision ID: e6cbf9b8dae3
Revises: d5bae8a7c9e2
Create Date: 2026-11-23 08:12:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'e6cbf9b8dae3'
down_revision = 'd5bae8a7c9e2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
