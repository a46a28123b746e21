"""Enum columns through one column type; moderation case reasons checked

Every enum column is now declared with `core.types.enum_column` (a VARCHAR holding the value, with
a CHECK constraint of the same name as the hand-written one it replaces), so the existing tables are
already what the models describe: role_assignments.role, processes.status, proposals.state,
proposal_answers.state, survey_questions.type, survey_options.kind, issues.status, flags.reason,
moderation_cases.state. The one new constraint is on moderation_cases.reason, which had none: a
reason that is not one of the five categories (there should be none) becomes "other" first, so no
row is lost.

Revision ID: 5e1c0a7d2b94
Revises: 41ba16b86e3a
Create Date: 2026-11-23 05:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5e1c0a7d2b94'
down_revision = '41ba16b86e3a'
branch_labels = None
depends_on = None

REASONS = ("spam", "offensive", "personal_info", "off_topic", "other")


def upgrade():
    cases = sa.table("moderation_cases", sa.column("reason", sa.String(20)))
    op.execute(cases.update().where(cases.c.reason.is_not(None), cases.c.reason.not_in(REASONS))
               .values(reason="other"))
    with op.batch_alter_table("moderation_cases", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_moderation_cases_reason_valid"),
            "reason IN ('spam', 'offensive', 'personal_info', 'off_topic', 'other')")


def downgrade():
    with op.batch_alter_table("moderation_cases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_moderation_cases_reason_valid"), type_="check")
