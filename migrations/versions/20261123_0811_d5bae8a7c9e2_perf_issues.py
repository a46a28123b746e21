"""perf issues

Revision ID: d5bae8a7c9e2
Revises: c4a9e7f6b8d1
Create Date: 2026-11-23 08:11:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'd5bae8a7c9e2'
down_revision = 'c4a9e7f6b8d1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
