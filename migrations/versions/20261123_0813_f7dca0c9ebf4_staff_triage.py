"""staff triage: category targets, internal notes

Revision ID: f7dca0c9ebf4
Revises: e6cbf9b8dae3
Create Date: 2026-11-23 08:13:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f7dca0c9ebf4'
down_revision = 'e6cbf9b8dae3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('issue_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_days', sa.Integer(), nullable=True))

    op.create_table('issue_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_issue_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], name=op.f('fk_issue_notes_issue_id_issues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issue_notes'))
    )
    with op.batch_alter_table('issue_notes', schema=None) as batch_op:
        batch_op.create_index('ix_issue_notes_issue_created', ['issue_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('issue_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_issue_notes_issue_created')
    op.drop_table('issue_notes')
    with op.batch_alter_table('issue_categories', schema=None) as batch_op:
        batch_op.drop_column('target_days')
