"""privacy: optional consents, demographics, public profile choice, data exports, anonymous consent
tallies; supports, comment votes, ballots, +1s and meeting registrations may lose their person (account
deleted: still counted, linked to no one)

Revision ID: b9fec2eb0d16
Revises: a8edb1dafc05
Create Date: 2026-11-23 08:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'b9fec2eb0d16'
down_revision = 'a8edb1dafc05'
branch_labels = None
depends_on = None

AGE_GROUPS = ('10-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80-89', '90+',
              'prefer_not_to_say')
UNLINKABLE = ('proposal_supports', 'proposal_comment_votes', 'budget_ballots', 'issue_metoos',
              'meeting_registrations')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_in('kind', ('demographics', 'news')), name=op.f('ck_consents_kind_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consents_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_consents_user_id_kind'))
    )
    op.create_table('demographics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('age_group', sa.String(length=20), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=40), nullable=False),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_in('age_group', AGE_GROUPS), name=op.f('ck_demographics_age_group_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_demographics_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demographics')),
    sa.UniqueConstraint('user_id', name=op.f('uq_demographics_user_id'))
    )
    with op.batch_alter_table('demographics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demographics_area_id'), ['area_id'], unique=False)
    op.create_table('profile_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_profile_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_profile_settings'))
    )
    op.create_table('data_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=100), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(_in('status', ('pending', 'ready', 'failed')), name=op.f('ck_data_exports_status_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_data_exports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_exports'))
    )
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_exports_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_exports_expires_at'), ['expires_at'], unique=False)
    op.create_table('consent_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_tallies')),
    sa.UniqueConstraint('kind', 'version', name=op.f('uq_consent_tallies_kind_version'))
    )
    for table in UNLINKABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    for table in UNLINKABLE:
        op.execute(f"DELETE FROM {table} WHERE user_id IS NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
    op.drop_table('consent_tallies')
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_exports_expires_at'))
        batch_op.drop_index(batch_op.f('ix_data_exports_user_id'))
    op.drop_table('data_exports')
    op.drop_table('profile_settings')
    with op.batch_alter_table('demographics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demographics_area_id'))
    op.drop_table('demographics')
    op.drop_table('consents')
