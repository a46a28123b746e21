"""blocked addresses: a blocked account's address as a keyed digest, so a new account with it starts
blocked (also after the blocked account changed its address or was deleted)

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
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_blocked_addresses_user_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocked_addresses')),
    sa.UniqueConstraint('digest', name=op.f('uq_blocked_addresses_digest'))
    )
    with op.batch_alter_table('blocked_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blocked_addresses_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('blocked_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blocked_addresses_user_id'))
    op.drop_table('blocked_addresses')
