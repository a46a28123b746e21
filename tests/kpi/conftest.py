from __future__ import annotations

from datetime import UTC, datetime

import pytest

from participation.core import clock


@pytest.fixture
def frozen():
    clock.freeze(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))  # Wednesday 25 Nov 2026, 12:00 in Japan
    yield
    clock.unfreeze()
