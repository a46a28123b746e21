"""Trust repairs: session tokens, upload owners, option identities

Revision ID: a2e7c5d4f6b8
Revises: f1d6b4c3e5a7
Create Date: 2026-11-23 06:04:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'a2e7c5d4f6b8'
down_revision = 'f1d6b4c3e5a7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
