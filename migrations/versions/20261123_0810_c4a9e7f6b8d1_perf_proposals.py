"""perf proposals

Revision ID: c4a9e7f6b8d1
Revises: b3f8d6e5a7c9
Create Date: 2026-11-23 08:10:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'c4a9e7f6b8d1'
down_revision = 'b3f8d6e5a7c9'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
