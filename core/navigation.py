"""The main navigation: each app contributes `<app>/navigation.py` with `ENTRIES`, and each
entry is shown to the roles its app's access policy allows. Core imports no app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import AccessPolicy
from core.permissions import ACCESS as CORE_ACCESS
from core.registry import steward_modules


@dataclass(frozen=True)
class NavEntry:
    label: Any  # a lazily translated string
    url_name: str
    section: str
    policy: AccessPolicy | None = None
    action: str = "view"
    order: int = 100

    def visible_to(self, user: Any) -> bool:
        return self.policy is None or self.policy.allows(user, self.action)


ENTRIES = [
    NavEntry(_("Dashboard"), "home", "home", order=0),
    NavEntry(_("Audit log"), "audit_log", "audit", CORE_ACCESS, "audit", order=90),
    NavEntry(_("API tokens"), "api_tokens", "tokens", order=95),
]


def nav_entries() -> list[NavEntry]:
    entries = [entry for module in steward_modules("navigation") for entry in module.ENTRIES]
    return sorted(entries, key=lambda entry: entry.order)


def navigation_for(user: Any, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {"label": entry.label, "url": reverse(entry.url_name), "section": entry.section}
        for entry in nav_entries()
        if entry.visible_to(user)
    ]
    # The longest matching prefix wins, so /monitoring/review/ lights up Review, not Monitoring.
    matches = [
        item
        for item in items
        if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))
    ]
    current = max(matches, key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is current
    return items
