"""API and open data: API keys, tokens

Revision ID: b3f8d6e5a7c9
Revises: a2e7c5d4f6b8
Create Date: 2026-11-23 06:05:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'b3f8d6e5a7c9'
down_revision = 'a2e7c5d4f6b8'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
