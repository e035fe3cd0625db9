"""Every database test here starts with a closed guard breaker.

The breaker lives in the cache table, which the test database's flush does not empty.
"""

import pytest

from monitoring.breaker import guard_breaker_reset


@pytest.fixture(autouse=True)
def closed_breaker(request):
    if request.node.get_closest_marker("django_db"):
        guard_breaker_reset()


@pytest.fixture(scope="session")
def unsafe_guard(tmp_path_factory):
    """A tiny local checkpoint that always answers "unsafe" with category S2."""
    from tests.guard.checkpoints import build_scripted_guard

    return build_scripted_guard(tmp_path_factory.mktemp("unsafe-guard"), categories=("S2",))


@pytest.fixture(scope="session")
def safe_guard(tmp_path_factory):
    from tests.guard.checkpoints import build_scripted_guard

    return build_scripted_guard(tmp_path_factory.mktemp("safe-guard"), verdict="safe")
