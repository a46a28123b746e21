"""The hourly clean-up of image files that no upload row names (left by requests that died)."""
from __future__ import annotations

import logging

from . import jobs

log = logging.getLogger(__name__)


@jobs.periodic_task(jobs.crontab(minute="17"))
def clean_upload_orphans() -> None:
    """`flask uploads clean`, run by the worker every hour (idempotent)."""
    from .uploads import clean_orphans

    removed = clean_orphans()
    if removed:
        log.info("removed %d upload file(s) with no row: %s", len(removed), ", ".join(p.name for p in removed))
