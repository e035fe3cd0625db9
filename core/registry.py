"""Finds each app's optional contributions (navigation, dashboard cards, beat schedules, demo
and reference data, health checks) so that core never imports an app by name."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.conf import settings


def steward_modules(name: str) -> Iterator[ModuleType]:
    """Yield `<app>.<name>` for every app in `settings.STEWARD_APPS` that defines one."""
    for app in settings.STEWARD_APPS:
        module_name = f"{app}.{name}"
        try:
            yield importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only "this app has no such module" is expected; a broken import inside it is not.
            if exc.name is None or not module_name.startswith(exc.name):
                raise
