"""A circuit breaker for the guard model, its state shared by every process.

The transitions are plain functions on `BreakerState` (tested without Django); the state lives
in the Django cache (the database cache table by default, Redis when CACHE_URL is set) so
that every worker, and the web process showing it, sees the same state.

closed --(threshold consecutive failures)--> open --(cool-down over)--> half-open
half-open --(success)--> closed;  half-open --(failure)--> open again.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"

DEFAULT_THRESHOLD = 3
DEFAULT_COOLDOWN_S = 60.0
CACHE_KEY = "monitoring:guard-breaker"


@dataclass(frozen=True)
class BreakerState:
    failures: int = 0
    opened_at: float | None = None
    last_error: str = ""
    last_failure_at: float | None = None

    def phase(self, now: float, cooldown_s: float) -> str:
        if self.opened_at is None:
            return CLOSED
        return OPEN if now < self.opened_at + cooldown_s else HALF_OPEN

    def retry_at(self, cooldown_s: float) -> float | None:
        return None if self.opened_at is None else self.opened_at + cooldown_s


def breaker_allows(state: BreakerState, *, now: float, cooldown_s: float) -> bool:
    """Closed or half-open (one trial after the cool-down) may call the model."""
    return state.phase(now, cooldown_s) != OPEN


def breaker_after_failure(
    state: BreakerState, *, error: str, now: float, threshold: int
) -> BreakerState:
    failures = state.failures + 1
    # A failure while open or half-open restarts the cool-down.
    opened = state.opened_at is not None or failures >= threshold
    return replace(
        state,
        failures=failures,
        opened_at=now if opened else None,
        last_error=error[:500],
        last_failure_at=now,
    )


def breaker_after_success(state: BreakerState) -> BreakerState:
    return replace(state, failures=0, opened_at=None)


# --- shared storage -------------------------------------------------------------------------


def _settings() -> tuple[int, float]:
    from django.conf import settings

    return (
        int(getattr(settings, "GUARD_BREAKER_THRESHOLD", DEFAULT_THRESHOLD)),
        float(getattr(settings, "GUARD_BREAKER_COOLDOWN_S", DEFAULT_COOLDOWN_S)),
    )


def breaker_state() -> BreakerState:
    from django.core.cache import cache

    stored = cache.get(CACHE_KEY)
    if not isinstance(stored, dict):
        return BreakerState()
    try:
        return BreakerState(**stored)
    except TypeError:
        return BreakerState()


def _store(state: BreakerState) -> None:
    from django.core.cache import cache

    cache.set(CACHE_KEY, asdict(state), timeout=None)


def guard_breaker_allows() -> bool:
    _, cooldown = _settings()
    return breaker_allows(breaker_state(), now=time.time(), cooldown_s=cooldown)


def guard_breaker_failure(error: str) -> BreakerState:
    threshold, _ = _settings()
    state = breaker_after_failure(
        breaker_state(), error=error, now=time.time(), threshold=threshold
    )
    _store(state)
    return state


def guard_breaker_success() -> None:
    state = breaker_state()
    if state.failures or state.opened_at is not None:
        _store(breaker_after_success(state))


def guard_breaker_reset() -> None:
    _store(BreakerState())


@dataclass(frozen=True)
class BreakerStatus:
    phase: str
    failures: int
    threshold: int
    last_error: str
    retry_at: float | None


def guard_breaker_status() -> BreakerStatus:
    threshold, cooldown = _settings()
    state = breaker_state()
    return BreakerStatus(
        phase=state.phase(time.time(), cooldown),
        failures=state.failures,
        threshold=threshold,
        last_error=state.last_error,
        retry_at=state.retry_at(cooldown),
    )
