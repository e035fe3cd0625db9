"""Planner cards on the home dashboard: projects, overdue tasks, gates, debugging runs."""

from __future__ import annotations

from django.urls import reverse

from core.public import Card
from planner.permissions import ACCESS
from planner.selectors import dashboard_counts

SECTION = "Planner"


def cards(user) -> list[Card]:
    if not ACCESS.allows(user, "view"):
        return []
    counts = dashboard_counts()
    url = reverse("planner:index")
    return [
        Card("Open projects", counts["projects"], url, section=SECTION),
        Card(
            "Overdue roadmap tasks",
            counts["overdue"],
            url,
            tone="bad" if counts["overdue"] else "good",
            section=SECTION,
        ),
        Card(
            "Tasks waiting on a gate",
            counts["blocked_gates"],
            url,
            note="Approved training mix and published policy",
            tone="warn" if counts["blocked_gates"] else "good",
            section=SECTION,
        ),
        Card(
            "Open debugging runs",
            counts["open_debugging"],
            url,
            tone="warn" if counts["open_debugging"] else "",
            section=SECTION,
        ),
    ]
