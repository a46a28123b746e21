"""Meetings: meetings, registrations, minutes

Revision ID: d8b4f2a1c3e5
Revises: c7a3e1f0b2d4
Create Date: 2026-11-23 06:01:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'd8b4f2a1c3e5'
down_revision = 'c7a3e1f0b2d4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
