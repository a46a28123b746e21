"""Budgets and accountability: budgets, projects, ballots, results

Revision ID: e9c5a3b2d4f6
Revises: d8b4f2a1c3e5
Create Date: 2026-11-23 06:02:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'e9c5a3b2d4f6'
down_revision = 'd8b4f2a1c3e5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
