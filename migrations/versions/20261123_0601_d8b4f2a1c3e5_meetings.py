"""Meetings: meetings, registration questions, registrations (waiting list, check-in codes), proposals raised

Revision ID: d8b4f2a1c3e5
Revises: c7a3e1f0b2d4
Create Date: 2026-11-23 06:01:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd8b4f2a1c3e5'
down_revision = 'c7a3e1f0b2d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=True),
    sa.Column('phase_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('venue_notes', sa.JSON(), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('organiser', sa.JSON(), nullable=False),
    sa.Column('accessibility', sa.JSON(), nullable=False),
    sa.Column('registration_enabled', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comments_count', sa.Integer(), nullable=False),
    sa.Column('registered_count', sa.Integer(), nullable=False),
    sa.Column('waiting_count', sa.Integer(), nullable=False),
    sa.Column('cancelled_reason', sa.String(length=1000), nullable=True),
    sa.Column('minutes', sa.JSON(), nullable=False),
    sa.Column('attendance_count', sa.Integer(), nullable=True),
    sa.Column('minutes_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_days_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_hours_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 1', name=op.f('ck_meetings_capacity_positive')),
    sa.CheckConstraint('registered_count >= 0 AND waiting_count >= 0', name=op.f('ck_meetings_counts_positive')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_meetings_times_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['phase_id'], ['phases.id'], name=op.f('fk_meetings_phase_id_phases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['process_id'], ['processes.id'], name=op.f('fk_meetings_process_id_processes'), ondelete='CASCADE'),
    sa.CheckConstraint("type IN ('in_person', 'online', 'hybrid')", name=op.f('ck_meetings_type_valid')),
    sa.CheckConstraint("kind IN ('info_session', 'workshop', 'open_house', 'online_seminar', 'other')", name=op.f('ck_meetings_kind_valid')),
    sa.CheckConstraint("state IN ('scheduled', 'cancelled')", name=op.f('ck_meetings_state_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_phase_id'), ['phase_id'], unique=False)
        batch_op.create_index('ix_meetings_process_starts_at', ['process_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_meetings_starts_at', ['starts_at'], unique=False)

    op.create_table('meeting_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_meeting_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_comments_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_comments'))
    )
    with op.batch_alter_table('meeting_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_meeting_comments_meeting_created', ['meeting_id', 'created_at'], unique=False)

    op.create_table('meeting_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_photos_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_meeting_photos_upload_id_uploads'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_photos'))
    )
    with op.batch_alter_table('meeting_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_photos_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_photos_upload_id'), ['upload_id'], unique=False)

    op.create_table('meeting_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_meeting_proposals_linked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_proposals_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_meeting_proposals_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_proposals')),
    sa.UniqueConstraint('meeting_id', 'proposal_id', name=op.f('uq_meeting_proposals_meeting_id_proposal_id'))
    )
    with op.batch_alter_table('meeting_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_proposals_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('meeting_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.CheckConstraint('max_choices IS NULL OR max_choices >= 1', name=op.f('ck_meeting_questions_max_choices_positive')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_questions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.CheckConstraint("kind IN ('short_text', 'long_text', 'single_choice', 'multiple_choice')", name=op.f('ck_meeting_questions_kind_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_questions'))
    )
    with op.batch_alter_table('meeting_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_questions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_registrations_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_registrations_user_id_users'), ondelete='CASCADE'),
    sa.CheckConstraint("status IN ('registered', 'waiting', 'cancelled')", name=op.f('ck_meeting_registrations_status_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_registrations')),
    sa.UniqueConstraint('code', name=op.f('uq_meeting_registrations_code')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_meeting_registrations_meeting_id_user_id'))
    )
    with op.batch_alter_table('meeting_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_registrations_meeting_status', ['meeting_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_registrations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_registrations_user_id'))
        batch_op.drop_index('ix_meeting_registrations_meeting_status')

    op.drop_table('meeting_registrations')
    with op.batch_alter_table('meeting_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_questions_meeting_id'))

    op.drop_table('meeting_questions')
    with op.batch_alter_table('meeting_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_proposals_proposal_id'))

    op.drop_table('meeting_proposals')
    with op.batch_alter_table('meeting_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_photos_upload_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_photos_meeting_id'))

    op.drop_table('meeting_photos')
    with op.batch_alter_table('meeting_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_comments_meeting_created')
        batch_op.drop_index(batch_op.f('ix_meeting_comments_author_id'))

    op.drop_table('meeting_comments')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_starts_at')
        batch_op.drop_index('ix_meetings_process_starts_at')
        batch_op.drop_index(batch_op.f('ix_meetings_phase_id'))

    op.drop_table('meetings')
