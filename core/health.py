"""Liveness and readiness checks; apps add their own readiness checks (e.g. the guard)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from core.registry import steward_modules

CheckResult = tuple[bool, str]


def database_check() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, f"unavailable: {exc.__class__.__name__}"
    return True, "ok"


def broker_check() -> CheckResult:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return False, f"unavailable: {exc.__class__.__name__}"
    return True, "ok"


def worker_check() -> CheckResult:
    from config.celery import app

    try:
        replies = app.control.ping(timeout=1.5)
    except Exception as exc:
        return False, f"unavailable: {exc.__class__.__name__}"
    if not replies:
        return False, "no worker answered a ping"
    return True, f"ok ({len(replies)} answering)"


def readiness_checks() -> dict[str, Callable[[], CheckResult]]:
    """Built-in checks plus every app's `health.READINESS_CHECKS`."""
    checks: dict[str, Callable[[], CheckResult]] = {
        "database": database_check,
        "broker": broker_check,
        "worker": worker_check,
    }
    for module in steward_modules("health"):
        if module.__name__ != __name__:
            checks.update(getattr(module, "READINESS_CHECKS", {}))
    return checks
