"""administration

Revision ID: a8edb1dafc05
Revises: f7dca0c9ebf4
Create Date: 2026-11-23 08:14:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'a8edb1dafc05'
down_revision = 'f7dca0c9ebf4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
