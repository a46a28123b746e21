"""privacy

Revision ID: b9fec2eb0d16
Revises: a8edb1dafc05
Create Date: 2026-11-23 08:15:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'b9fec2eb0d16'
down_revision = 'a8edb1dafc05'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
