"""Core: roles, API tokens, notifications, audit history, health and the dashboard shell."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Steward core"

    def ready(self) -> None:
        from core.api import schema  # noqa: F401 - registers the OpenAPI auth extension
