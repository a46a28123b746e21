"""Japanese working days of a city office: weekends, national holidays (the `holidays` library's JP
calendar, substitute holidays included) and the year-end closing of 29 December to 3 January (the
law on holidays of administrative organs, 行政機関の休日に関する法律) are not working days.
Used by response targets ("acknowledged within 2 working days", "fixed within the target") and
overdue highlighting."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("JP", years=year).keys())


def _year_end(day: date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not _year_end(day) and day not in _holidays(day.year)


def _local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


@lru_cache(maxsize=64)
def _year_table(year: int) -> tuple[int, list[int]]:
    """(working days before 1 January of `year` counted from 1 January 2000, working days up to and
    including each day of the year)."""
    before = 0 if year <= 2000 else _year_table(year - 1)[0] + _year_table(year - 1)[1][-1]
    running, table, day = 0, [], date(year, 1, 1)
    while day.year == year:
        running += is_working_day(day)
        table.append(running)
        day += timedelta(days=1)
    return before, table


def _working_days_through(day: date) -> int:
    before, table = _year_table(max(day.year, 2000))
    return before + table[day.timetuple().tm_yday - 1] if day.year >= 2000 else 0


def working_days_between(start: datetime, end: datetime, tz: str = "Asia/Tokyo") -> int:
    """Whole working days after the day of `start` up to and including the day of `end` (city time).

    Reported on Friday, answered on the next Tuesday: 2 (Monday, Tuesday). Same day: 0.
    """
    first, last = _local_date(start, tz), _local_date(end, tz)
    if last <= first:
        return 0
    return _working_days_through(last) - _working_days_through(first)


def within_working_days(start: datetime, end: datetime | None, limit: int, tz: str = "Asia/Tokyo") -> bool:
    """True when `end` happened no more than `limit` working days after `start`."""
    return end is not None and working_days_between(start, end, tz) <= limit
