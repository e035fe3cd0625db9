"""Finds the optional per-app modules (demo data, dashboard cards, beat schedules, checks)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

# Order matters for demo data: planner links to governance, monitoring to both.
STEWARD_APPS = (
    "core",
    "governance",
    "governance.policies",
    "planner",
    "monitoring",
    "monitoring.review",
)


def steward_modules(name: str) -> Iterator[ModuleType]:
    """Yield `<app>.<name>` for every Steward app that defines such a module."""
    for app in STEWARD_APPS:
        module_name = f"{app}.{name}"
        try:
            yield importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only "this app has no such module" is expected; a broken import inside it is not.
            if exc.name is None or not module_name.startswith(exc.name):
                raise
