"""Japanese working days: weekends, national holidays and the year-end closing don't count."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from participation.core.workdays import is_working_day, within_working_days, working_days_between


def jst(y, m, d, h=10):
    return datetime(y, m, d, h - 9, tzinfo=UTC)  # 10:00 in Japan


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 11, 20), True),    # Friday
    (date(2026, 11, 21), False),   # Saturday
    (date(2026, 11, 23), False),   # 勤労感謝の日 (Monday)
    (date(2026, 5, 6), False),     # substitute holiday for 憲法記念日 on a Sunday
    (date(2026, 12, 29), False),   # year-end closing
    (date(2027, 1, 4), True),      # first working day of 2027
])
def test_working_day_calendar(day, working):
    assert is_working_day(day) is working


def test_a_holiday_monday_does_not_count():
    # Reported Friday 20 Nov 2026, answered Tuesday 24: Monday 23 is a national holiday.
    assert working_days_between(jst(2026, 11, 20), jst(2026, 11, 24)) == 1
    assert within_working_days(jst(2026, 11, 20), jst(2026, 11, 25), 2)
    assert not within_working_days(jst(2026, 11, 20), jst(2026, 11, 26), 2)


def test_year_end_closing_and_same_day():
    assert working_days_between(jst(2025, 12, 26), jst(2026, 1, 6)) == 2  # 5 and 6 January
    assert working_days_between(jst(2026, 11, 24, 9), jst(2026, 11, 24, 17)) == 0
    assert working_days_between(jst(2026, 11, 24), jst(2026, 11, 20)) == 0
    assert not within_working_days(jst(2026, 11, 24), None, 2)


def test_city_time_decides_the_day():
    # 23:30 UTC on Thursday is already Friday morning in Japan.
    start = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    assert working_days_between(start, jst(2026, 11, 24)) == 1
