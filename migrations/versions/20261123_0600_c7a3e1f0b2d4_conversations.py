"""Conversations: statements, votes, participants, stored analyses

Revision ID: c7a3e1f0b2d4
Revises: 5e1c0a7d2b94
Create Date: 2026-11-23 06:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c7a3e1f0b2d4'
down_revision = '5e1c0a7d2b94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=True),
    sa.Column('topic', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('moderation', sa.String(length=20), nullable=False),
    sa.Column('allow_anonymous', sa.Boolean(), nullable=False),
    sa.Column('allow_statements', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report_published', sa.Boolean(), nullable=False),
    sa.Column('participants_count', sa.Integer(), nullable=False),
    sa.Column('votes_count', sa.Integer(), nullable=False),
    sa.Column('statements_count', sa.Integer(), nullable=False),
    sa.Column('votes_since_analysis', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['phase_id'], ['phases.id'], name=op.f('fk_conversations_phase_id_phases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['process_id'], ['processes.id'], name=op.f('fk_conversations_process_id_processes'), ondelete='CASCADE'),
    sa.CheckConstraint("moderation IN ('post', 'pre')", name=op.f('ck_conversations_moderation_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations'))
    )
    op.create_index(op.f('ix_conversations_process_id'), 'conversations', ['process_id'], unique=False)
    op.create_table('conversation_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('in_conversation', sa.Integer(), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('statements', sa.JSON(), nullable=False),
    sa.Column('consensus', sa.JSON(), nullable=False),
    sa.Column('rejections', sa.JSON(), nullable=False),
    sa.Column('divisive', sa.JSON(), nullable=False),
    sa.Column('bounds', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_analyses_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_analyses')),
    sa.UniqueConstraint('conversation_id', name=op.f('uq_conversation_analyses_conversation_id'))
    )
    op.create_table('conversation_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('browser_token', sa.String(length=64), nullable=True),
    sa.Column('votes_count', sa.Integer(), nullable=False),
    sa.Column('x', sa.Float(), nullable=True),
    sa.Column('y', sa.Float(), nullable=True),
    sa.Column('group', sa.Integer(), nullable=True),
    sa.Column('in_conversation', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('user_id IS NOT NULL OR browser_token IS NOT NULL', name=op.f('ck_conversation_participants_has_identity')),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_participants_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conversation_participants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_participants')),
    sa.UniqueConstraint('conversation_id', 'browser_token', name=op.f('uq_conversation_participants_conversation_id_browser_token')),
    sa.UniqueConstraint('conversation_id', 'user_id', name=op.f('uq_conversation_participants_conversation_id_user_id'))
    )
    op.create_index(op.f('ix_conversation_participants_user_id'), 'conversation_participants', ['user_id'], unique=False)
    op.create_table('conversation_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=140), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('is_seed', sa.Boolean(), nullable=False),
    sa.Column('seed_order', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('agree_count', sa.Integer(), nullable=False),
    sa.Column('disagree_count', sa.Integer(), nullable=False),
    sa.Column('pass_count', sa.Integer(), nullable=False),
    sa.Column('extremity', sa.Float(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('agree_count >= 0 AND disagree_count >= 0 AND pass_count >= 0', name=op.f('ck_conversation_statements_counts_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_conversation_statements_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_statements_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['conversation_participants.id'], name=op.f('fk_conversation_statements_participant_id_conversation_participants'), ondelete='SET NULL'),
    sa.CheckConstraint("state IN ('pending', 'accepted', 'rejected')", name=op.f('ck_conversation_statements_state_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_statements'))
    )
    op.create_index('ix_conversation_statements_conversation_state', 'conversation_statements', ['conversation_id', 'state'], unique=False)
    op.create_table('conversation_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value IN (-1, 0, 1)', name=op.f('ck_conversation_votes_value_valid')),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_votes_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['conversation_participants.id'], name=op.f('fk_conversation_votes_participant_id_conversation_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['conversation_statements.id'], name=op.f('fk_conversation_votes_statement_id_conversation_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_votes')),
    sa.UniqueConstraint('statement_id', 'participant_id', name=op.f('uq_conversation_votes_statement_id_participant_id'))
    )
    op.create_index('ix_conversation_votes_conversation', 'conversation_votes', ['conversation_id'], unique=False)
    op.create_index('ix_conversation_votes_participant', 'conversation_votes', ['participant_id'], unique=False)


def downgrade():
    op.drop_index('ix_conversation_votes_participant', table_name='conversation_votes')
    op.drop_index('ix_conversation_votes_conversation', table_name='conversation_votes')
    op.drop_table('conversation_votes')
    op.drop_index('ix_conversation_statements_conversation_state', table_name='conversation_statements')
    op.drop_table('conversation_statements')
    op.drop_index(op.f('ix_conversation_participants_user_id'), table_name='conversation_participants')
    op.drop_table('conversation_participants')
    op.drop_table('conversation_analyses')
    op.drop_index(op.f('ix_conversations_process_id'), table_name='conversations')
    op.drop_table('conversations')
