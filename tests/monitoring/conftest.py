"""Every database test here starts with a closed guard breaker.

The breaker lives in the cache table, which the test database's flush does not empty.
"""

import pytest

from monitoring.breaker import guard_breaker_reset


@pytest.fixture(autouse=True)
def closed_breaker(request):
    if request.node.get_closest_marker("django_db"):
        guard_breaker_reset()
