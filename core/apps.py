"""Core: roles, API tokens, notifications, audit history, health and the dashboard shell."""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def reference_data_load(**kwargs: Any) -> None:
    """After every `migrate` (and every test flush), let each app load its reference data
    (`<app>/reference_data.py`: `ensure()`, idempotent and cheap when already loaded)."""
    from core.registry import steward_modules

    for module in steward_modules("reference_data"):
        module.ensure()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Steward core"

    def ready(self) -> None:
        from core.api import schema  # noqa: F401 - registers the OpenAPI auth extension

        # Sent once per app after migrate; tie it to core so the load runs once, after all
        # migrations, and name it so a second `ready()` does not connect it twice.
        post_migrate.connect(reference_data_load, sender=self, dispatch_uid="steward-reference")

        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from core.signals import login_failed, login_succeeded

        user_logged_in.connect(login_succeeded, dispatch_uid="steward-login-audit")
        user_login_failed.connect(login_failed, dispatch_uid="steward-login-failed-audit")
