"""blocked addresses: a deleted blocked account's address as a keyed digest, so a new account with it
starts blocked

Revision ID: dbf1a2c3e4f5
Revises: caa0d3fc1e27
Create Date: 2026-11-23 12:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'dbf1a2c3e4f5'
down_revision = 'caa0d3fc1e27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blocked_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocked_addresses')),
    sa.UniqueConstraint('digest', name=op.f('uq_blocked_addresses_digest'))
    )


def downgrade():
    op.drop_table('blocked_addresses')
