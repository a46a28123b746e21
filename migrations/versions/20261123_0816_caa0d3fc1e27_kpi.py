"""kpi: figures rolled up by a background job, the population table, roll-up runs

Revision ID: caa0d3fc1e27
Revises: b9fec2eb0d16
Create Date: 2026-11-23 08:16:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'caa0d3fc1e27'
down_revision = 'b9fec2eb0d16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.JSON(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('decided', sa.Integer(), nullable=True),
    sa.Column('met', sa.Integer(), nullable=True),
    sa.Column('median_days', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_figures')),
    sa.UniqueConstraint('metric', 'month', 'scope', 'key', name=op.f('uq_kpi_figures_metric_month_scope_key'))
    )
    with op.batch_alter_table('kpi_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_figures_month'), ['month'], unique=False)
    op.create_table('kpi_population',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_population')),
    sa.UniqueConstraint('dimension', 'key', name=op.f('uq_kpi_population_dimension_key'))
    )
    op.create_table('kpi_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_month', sa.String(length=7), nullable=False),
    sa.Column('facts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_runs'))
    )


def downgrade():
    op.drop_table('kpi_runs')
    op.drop_table('kpi_population')
    with op.batch_alter_table('kpi_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_figures_month'))
    op.drop_table('kpi_figures')
