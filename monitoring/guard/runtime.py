"""The worker's guard engine, loaded once per process from the GUARD_* settings."""

from __future__ import annotations

import threading

from django.conf import settings

from monitoring.guard.engine import GuardEngine, GuardUnavailable

__all__ = ["GuardUnavailable", "get_engine", "reset_engine"]

_lock = threading.Lock()
_engines: dict[tuple[str, str], GuardEngine] = {}


def get_engine() -> GuardEngine | None:
    """The engine for settings.GUARD_MODEL on settings.GUARD_DEVICE; None when no model is
    configured. Raises GuardUnavailable when it cannot be loaded (a failure is not cached, so
    the next call tries again: the caller's circuit breaker decides when)."""
    model = (getattr(settings, "GUARD_MODEL", "") or "").strip()
    if not model:
        return None
    device = (getattr(settings, "GUARD_DEVICE", "") or "auto").strip().lower()
    if device not in {"auto", "cpu", "cuda"}:
        raise GuardUnavailable(f"GUARD_DEVICE must be auto, cpu or cuda, not {device!r}")
    key = (model, device)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            try:
                engine = GuardEngine.load(model, device=device)
            except GuardUnavailable:
                raise
            except Exception as exc:  # any load failure means "unavailable"
                raise GuardUnavailable(f"Cannot load guard model {model!r}: {exc}") from exc
            _engines.clear()
            _engines[key] = engine
        return engine


def reset_engine() -> None:
    """Forget the loaded engine (tests; a worker that wants to reload after a settings change)."""
    with _lock:
        _engines.clear()
