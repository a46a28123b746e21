"""kpi

Revision ID: caa0d3fc1e27
Revises: b9fec2eb0d16
Create Date: 2026-11-23 08:16:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'caa0d3fc1e27'
down_revision = 'b9fec2eb0d16'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
