"""perf issues: street issue counters, monthly response-time aggregates and row counts, filled from the rows

Revision ID: d5bae8a7c9e2
Revises: c4a9e7f6b8d1
Create Date: 2026-11-23 08:11:00
"""
import os
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = 'd5bae8a7c9e2'
down_revision = 'c4a9e7f6b8d1'
branch_labels = None
depends_on = None

# As in participation/issues/tallies.py at the time of this migration (a migration never imports the app).
EDGES_H = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 240, 336, 504, 720, 1440, 2160, 4320, 8760)
BUCKETS = len(EDGES_H) + 1
MONTH_FIELDS = ("reports", "open", "fixed", "closed", "acknowledged", "acknowledged_2wd", "fixed_in_target",
                "ack_minutes", "fix_minutes", *(f"ack_h{i:02d}" for i in range(BUCKETS)),
                *(f"fix_h{i:02d}" for i in range(BUCKETS)))
GROUP = {"open": "open", "investigating": "open", "in_progress": "open", "action_scheduled": "open",
         "fixed": "fixed", "fixed_by_reporter": "fixed"}  # everything else: closed


def upgrade():
    op.create_table('issue_counts',
    sa.Column('status_group', sa.String(length=10), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('closed_month', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('status_group', 'category_id', 'department_id', 'area_id', 'closed_month',
                            name=op.f('pk_issue_counts'))
    )
    op.create_table('issue_monthly',
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.BigInteger() if name.endswith('_minutes') else sa.Integer(), nullable=False)
      for name in MONTH_FIELDS],
    sa.PrimaryKeyConstraint('month', 'category_id', 'department_id', name=op.f('pk_issue_monthly'))
    )
    op.create_table('row_counts',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('key', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', 'key', name=op.f('pk_row_counts'))
    )
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.create_index('ix_issues_category_created', ['category_id', 'created_at'], unique=False)
        batch_op.create_index('ix_issues_department_created', ['department_id', 'created_at'], unique=False)
        batch_op.create_index('ix_issues_area_created', ['area_id', 'created_at'], unique=False)
    _backfill()
    # core.counts: registered people (not the API keys' service accounts) and responses per survey.
    op.execute("INSERT INTO row_counts (name, key, n) SELECT 'users', 0, count(*) FROM users "
               "WHERE email NOT LIKE '%@api.invalid'")
    op.execute("INSERT INTO row_counts (name, key, n) SELECT 'survey_responses', survey_id, count(*) "
               "FROM survey_responses GROUP BY survey_id")


def _bucket(hours):
    for index, edge in enumerate(EDGES_H):
        if hours < edge:
            return index
    return len(EDGES_H)


_HOLIDAYS = {}


def _working_days_after(start, end, tz):
    """Working days (Japanese calendar, year-end closing) after the day of `start` up to the day of `end`,
    city time: as core.workdays computes them."""
    import holidays

    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    days, day = 0, first + timedelta(days=1)
    while day <= last:
        if day.year not in _HOLIDAYS:
            _HOLIDAYS[day.year] = frozenset(holidays.country_holidays("JP", years=day.year))
        year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)  # city offices closed
        if day.weekday() < 5 and not year_end and day not in _HOLIDAYS[day.year]:
            days += 1
        day += timedelta(days=1)
    return days


def _aware(moment):
    """A stored UTC time (a string on SQLite, a datetime on PostgreSQL) as an aware datetime."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _backfill():
    """Existing reports: the same contributions as the application's flush listener computes."""
    connection = op.get_bind()
    tz = ZoneInfo(os.environ.get("CITY_TIMEZONE", "Asia/Tokyo"))
    # Categories and departments have no fix targets yet at this revision: the default applies.
    target = int(os.environ.get("ISSUE_FIX_TARGET_DAYS", 20))
    counts, monthly = Counter(), defaultdict(Counter)
    rows = connection.execute(sa.text(
        "SELECT status, category_id, department_id, area_id, hidden_at, created_at, acknowledged_at, fixed_at, "
        "closed_at FROM issues"))
    for status, category_id, department_id, area_id, hidden_at, created, ack, fixed, closed in rows:
        created, ack, fixed, closed = _aware(created), _aware(ack), _aware(fixed), _aware(closed)
        group = GROUP.get(status, "closed")
        if hidden_at is None:
            local = closed.astimezone(tz) if closed and group != "open" else None
            counts[(group, category_id, department_id, area_id or 0,
                    local.year * 100 + local.month if local else 0)] += 1
        if status == "duplicate" or hidden_at is not None:
            continue
        local = created.astimezone(tz)
        values = monthly[(local.year * 100 + local.month, category_id, department_id)]
        values["reports"] += 1
        values[group] += 1
        if ack is not None:
            minutes = max(0, int((ack - created).total_seconds() // 60))
            values["acknowledged"] += 1
            values["ack_minutes"] += minutes
            values[f"ack_h{_bucket(minutes / 60):02d}"] += 1
            if ack - created <= timedelta(days=20) and _working_days_after(created, ack, tz) <= 2:
                values["acknowledged_2wd"] += 1
        if fixed is not None:
            minutes = max(0, int((fixed - created).total_seconds() // 60))
            values["fix_minutes"] += minutes
            values[f"fix_h{_bucket(minutes / 60):02d}"] += 1
            if fixed - created <= timedelta(days=target) or (
                    fixed - created <= timedelta(days=2 * target + 30)
                    and _working_days_after(created, fixed, tz) <= target):
                values["fixed_in_target"] += 1
    count_table = sa.table('issue_counts', *[sa.column(c) for c in (
        'status_group', 'category_id', 'department_id', 'area_id', 'closed_month', 'n')])
    month_table = sa.table('issue_monthly', *[sa.column(c) for c in (
        'month', 'category_id', 'department_id', *MONTH_FIELDS)])
    if counts:
        op.bulk_insert(count_table, [dict(status_group=k[0], category_id=k[1], department_id=k[2], area_id=k[3],
                                          closed_month=k[4], n=n) for k, n in counts.items()])
    if monthly:
        op.bulk_insert(month_table, [dict(month=k[0], category_id=k[1], department_id=k[2],
                                          **{f: v.get(f, 0) for f in MONTH_FIELDS}) for k, v in monthly.items()])


def downgrade():
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.drop_index('ix_issues_area_created')
        batch_op.drop_index('ix_issues_department_created')
        batch_op.drop_index('ix_issues_category_created')
    op.drop_table('row_counts')
    op.drop_table('issue_monthly')
    op.drop_table('issue_counts')
