"""Jobs and mail: job records, e-mail confirmation, alerts, subscriptions

Revision ID: f1d6b4c3e5a7
Revises: e9c5a3b2d4f6
Create Date: 2026-11-23 06:03:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'f1d6b4c3e5a7'
down_revision = 'e9c5a3b2d4f6'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
