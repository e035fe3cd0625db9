"""The guard's circuit breaker: pure transitions, and state shared through the cache."""

import pytest

from monitoring.breaker import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    BreakerState,
    breaker_after_failure,
    breaker_after_success,
    breaker_allows,
    guard_breaker_allows,
    guard_breaker_failure,
    guard_breaker_status,
    guard_breaker_success,
)


def test_opens_after_threshold_failures_and_half_opens_after_cooldown():
    state = BreakerState()
    for second in range(2):
        state = breaker_after_failure(state, error="boom", now=second, threshold=3)
        assert state.phase(second, 60) == CLOSED
    state = breaker_after_failure(state, error="boom", now=10, threshold=3)
    assert state.phase(10, 60) == OPEN
    assert not breaker_allows(state, now=69, cooldown_s=60)
    assert state.phase(70, 60) == HALF_OPEN
    assert breaker_allows(state, now=70, cooldown_s=60)


def test_a_failed_trial_reopens_and_a_success_closes():
    state = BreakerState(failures=3, opened_at=0)
    again = breaker_after_failure(state, error="still down", now=100, threshold=3)
    assert again.phase(100, 60) == OPEN and again.last_error == "still down"
    closed = breaker_after_success(again)
    assert closed.phase(200, 60) == CLOSED and closed.failures == 0


@pytest.mark.django_db
def test_state_is_read_back_from_the_shared_cache(settings):
    settings.GUARD_BREAKER_THRESHOLD = 2
    assert guard_breaker_allows()
    guard_breaker_failure("load failed")
    assert guard_breaker_status().phase == CLOSED
    guard_breaker_failure("load failed again")
    status = guard_breaker_status()
    assert (status.phase, status.failures, status.last_error) == (OPEN, 2, "load failed again")
    assert not guard_breaker_allows()
    guard_breaker_success()
    assert guard_breaker_status().phase == CLOSED
