"""Jobs and mail: job records, e-mail confirmation, alerts, subscriptions

Revision ID: f1d6b4c3e5a7
Revises: e9c5a3b2d4f6
Create Date: 2026-11-23 06:03:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f1d6b4c3e5a7'
down_revision = 'e9c5a3b2d4f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'failed', name='status_valid', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outgoing_mail_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outgoing_mail_dedupe_key'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_mail_status', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mail_user_id'), ['user_id'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('frequency', sa.Enum('immediately', 'daily', 'weekly', 'never', name='frequency_valid', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'topic', name=op.f('uq_notification_preferences_user_id_topic'))
    )

    op.create_table('job_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('args', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retried_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_failures'))
    )
    with op.batch_alter_table('job_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_failures_failed_at'), ['failed_at'], unique=False)

    op.create_table('alert_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.Enum('near', 'area', 'category', 'process', name='kind_valid', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('radius_m', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('process_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_alert_subscriptions_area_id_areas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['issue_categories.id'], name=op.f('fk_alert_subscriptions_category_id_issue_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_id'], ['processes.id'], name=op.f('fk_alert_subscriptions_process_id_processes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alert_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscriptions'))
    )
    with op.batch_alter_table('alert_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_alert_subscriptions_kind', ['kind', 'confirmed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('alert_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('issue', 'proposal', 'answer', name='kind_valid', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('geocell', sa.BigInteger(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('process_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_events')),
    sa.UniqueConstraint('kind', 'target_type', 'target_id', name=op.f('uq_alert_events_kind_target_type_target_id'))
    )
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.create_index('ix_alert_events_area_id', ['area_id'], unique=False)
        batch_op.create_index('ix_alert_events_category_id', ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_alert_events_geocell', ['geocell'], unique=False)
        batch_op.create_index('ix_alert_events_process_id', ['process_id'], unique=False)


def downgrade():
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_events_process_id')
        batch_op.drop_index('ix_alert_events_geocell')
        batch_op.drop_index(batch_op.f('ix_alert_events_created_at'))
        batch_op.drop_index('ix_alert_events_category_id')
        batch_op.drop_index('ix_alert_events_area_id')
    op.drop_table('alert_events')
    with op.batch_alter_table('alert_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_subscriptions_user_id'))
        batch_op.drop_index('ix_alert_subscriptions_kind')
    op.drop_table('alert_subscriptions')
    with op.batch_alter_table('job_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_failures_failed_at'))
    op.drop_table('job_failures')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_user_id'))
        batch_op.drop_index('ix_outgoing_mail_status')
    op.drop_table('outgoing_mail')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
