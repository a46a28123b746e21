from ..issues.conftest import city, make_issue  # noqa: F401 - fixtures
from ..mail.conftest import outbox  # noqa: F401 - fixture
