"""Trust repairs: session tokens, reopened issues, "I think it is fixed" updates

Revision ID: a2e7c5d4f6b8
Revises: f1d6b4c3e5a7
Create Date: 2026-11-23 06:04:00
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = 'a2e7c5d4f6b8'
down_revision = 'f1d6b4c3e5a7'
branch_labels = None
depends_on = None


def upgrade():
    # users.session_token: Flask-Login's alternative id, rotated to end every session.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_session_token'), ['session_token'])

    # Reopened issues come first in triage until an official acts on them.
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
    # "I think it is fixed" updates from residents who may not close the report.
    with op.batch_alter_table('issue_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggests_fixed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('issue_updates', schema=None) as batch_op:
        batch_op.drop_column('suggests_fixed')
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.drop_column('reopened_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_session_token'), type_='unique')
        batch_op.drop_column('session_token')
