"""places

Revision ID: e6cbf9b8dae3
Revises: d5bae8a7c9e2
Create Date: 2026-11-23 08:12:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e6cbf9b8dae3'
down_revision = 'd5bae8a7c9e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('name_ja', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('kana', sa.String(length=200), nullable=True),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kana_key', sa.String(length=200), nullable=True),
    sa.Column('en_key', sa.String(length=200), nullable=True),
    sa.Column('city_ja', sa.String(length=100), nullable=False),
    sa.Column('city_en', sa.String(length=100), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('town', 'block', 'landmark')", name=op.f('ck_places_kind')),
    sa.ForeignKeyConstraint(['parent_id'], ['places.id'], name=op.f('fk_places_parent_id_places'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('source_key', name=op.f('uq_places_source_key'))
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_places_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_kana_key'), ['kana_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_en_key'), ['en_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_parent_id'), ['parent_id'], unique=False)

    op.create_table('place_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_imports'))
    )


def downgrade():
    op.drop_table('place_imports')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_places_parent_id'))
        batch_op.drop_index(batch_op.f('ix_places_en_key'))
        batch_op.drop_index(batch_op.f('ix_places_kana_key'))
        batch_op.drop_index(batch_op.f('ix_places_key'))
        batch_op.drop_index(batch_op.f('ix_places_kind'))
    op.drop_table('places')
