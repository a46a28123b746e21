import pytest
from participation.core import services
from tests.security.test_review_administration import (  # noqa: F401
    test_two_admins_demoting_each_other_at_once_leave_one_admin,
    test_two_admins_blocking_each_other_at_once_leave_one_admin)

_orig = services.active_admin_count


@pytest.fixture(autouse=True)
def unlocked(monkeypatch):
    monkeypatch.setattr(services, "active_admin_count", lambda lock=False: _orig(lock=False))
