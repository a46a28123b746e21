"""Conversations: statements, votes, participants, stored analyses

Revision ID: c7a3e1f0b2d4
Revises: 5e1c0a7d2b94
Create Date: 2026-11-23 06:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'c7a3e1f0b2d4'
down_revision = '5e1c0a7d2b94'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
