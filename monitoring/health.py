"""Readiness of the guard: configured or not, and the circuit breaker's state."""

from __future__ import annotations

from datetime import UTC, datetime

from monitoring.selectors import guard_status


def guard_check() -> tuple[bool, str]:
    status = guard_status()
    breaker = status.breaker
    if breaker.phase == "open":
        until = datetime.fromtimestamp(breaker.retry_at or 0, UTC).strftime("%H:%M:%S UTC")
        return False, f"circuit open after {breaker.failures} failures, retry after {until}"
    if not status.configured:
        # Not a fault: outputs still flow, to human review (fail closed).
        return True, "not configured: every output goes to human review"
    return True, f"ok ({breaker.phase.replace('_', '-')})"


READINESS_CHECKS = {"guard": guard_check}
