"""administration: site settings, versioned site pages and policy acceptances, department response
targets, category help text and extra questions, answers stored with a report

Revision ID: a8edb1dafc05
Revises: f7dca0c9ebf4
Create Date: 2026-11-23 08:14:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'a8edb1dafc05'
down_revision = 'f7dca0c9ebf4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_site_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_settings')),
    sa.UniqueConstraint('name', name=op.f('uq_site_settings_name'))
    )
    op.create_table('site_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_pages')),
    sa.UniqueConstraint('slug', name=op.f('uq_site_pages_slug'))
    )
    op.create_table('site_page_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_site_page_versions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['page_id'], ['site_pages.id'], name=op.f('fk_site_page_versions_page_id_site_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_page_versions')),
    sa.UniqueConstraint('page_id', 'version', name=op.f('uq_site_page_versions_page_id_version'))
    )
    op.create_table('policy_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_policy_acceptances_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_acceptances')),
    sa.UniqueConstraint('user_id', 'slug', 'version', name=op.f('uq_policy_acceptances_user_id_slug_version'))
    )
    with op.batch_alter_table('policy_acceptances', schema=None) as batch_op:
        batch_op.create_index('ix_policy_acceptances_user_slug', ['user_id', 'slug'], unique=False)

    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('issue_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('help', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('questions', sa.JSON(), nullable=True))
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.drop_column('answers')
    with op.batch_alter_table('issue_categories', schema=None) as batch_op:
        batch_op.drop_column('questions')
        batch_op.drop_column('help')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_column('target_days')
    with op.batch_alter_table('policy_acceptances', schema=None) as batch_op:
        batch_op.drop_index('ix_policy_acceptances_user_slug')
    op.drop_table('policy_acceptances')
    op.drop_table('site_page_versions')
    op.drop_table('site_pages')
    op.drop_table('site_settings')
