"""The main navigation: each entry is shown to the roles its app's access policy allows."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from core.access import AccessPolicy


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    section: str
    policy: AccessPolicy | None = None
    action: str = "view"

    def visible_to(self, user) -> bool:
        return self.policy is None or self.policy.allows(user, self.action)


def nav_entries() -> list[NavEntry]:
    from governance.permissions import ACCESS as GOVERNANCE
    from monitoring.permissions import ACCESS as MONITORING
    from monitoring.review.permissions import ACCESS as REVIEW
    from planner.permissions import ACCESS as PLANNER

    return [
        NavEntry("Dashboard", "home", "home"),
        NavEntry("Governance", "governance:index", "governance", GOVERNANCE),
        NavEntry("Planner", "planner:index", "planner", PLANNER),
        NavEntry("Monitoring", "monitoring:index", "monitoring", MONITORING),
        NavEntry("Review", "review:queue", "review", REVIEW, "review"),
    ]


def navigation_for(user, path: str) -> list[dict]:
    items = [
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
