"""KPI roll-ups in the background: hourly for the current and previous month, nightly for the
last thirteen months (the twelve-month figures), and on an administrator's request."""
from __future__ import annotations

from ..core import jobs
from ..extensions import db
from .rollup import rollup

RECENT_MONTHS = 2
YEAR_MONTHS = 13


@jobs.periodic_task(jobs.crontab(minute="7"))
def refresh_recent() -> None:
    rollup(RECENT_MONTHS)
    db.session.commit()


@jobs.periodic_task(jobs.crontab(minute="37", hour="18"))  # 03:37 in Japan
def refresh_year() -> None:
    rollup(YEAR_MONTHS)
    db.session.commit()


@jobs.task(retries=2, retry_delay=60)
def refresh_now() -> None:
    rollup(YEAR_MONTHS)
    db.session.commit()
