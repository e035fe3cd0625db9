"""Monitoring cards on the home dashboard: the guard's state and the last day's verdicts."""

from __future__ import annotations

from django.urls import reverse

from core.public import Card
from monitoring.permissions import ACCESS
from monitoring.selectors import guard_status, monitoring_summary


def guard_card(url: str) -> Card:
    status = guard_status()
    breaker = status.breaker
    if not status.configured:
        return Card(
            "Guard",
            "not configured",
            url,
            "Guard not configured: every output goes to human review",
            "warn",
            "Monitoring",
        )
    if breaker.phase == "open":
        note = f"Circuit open after {breaker.failures} failures: outputs go to review"
        return Card("Guard", "unavailable", url, note, "bad", "Monitoring")
    if breaker.phase == "half_open":
        return Card("Guard", "recovering", url, "Next batch is a trial", "warn", "Monitoring")
    return Card("Guard", "ok", url, f"{status.model} · breaker closed", "good", "Monitoring")


def cards(user) -> list[Card]:
    if not ACCESS.allows(user, "view"):
        return []
    url = reverse("monitoring:index")
    summary = monitoring_summary()
    return [
        guard_card(url),
        Card("Outputs (24 h)", summary["outputs"], url, "", "", "Monitoring"),
        Card(
            "Unsafe (24 h)",
            summary["unsafe"],
            f"{url}?verdict=unsafe",
            "",
            "bad" if summary["unsafe"] else "good",
            "Monitoring",
        ),
        Card(
            "Guard errors (24 h)",
            summary["errors"],
            f"{url}?verdict=error",
            "Routed to human review",
            "warn" if summary["errors"] else "good",
            "Monitoring",
        ),
        Card(
            "Awaiting a scan",
            summary["pending"],
            f"{url}?verdict=pending",
            "",
            "warn" if summary["pending"] else "",
            "Monitoring",
        ),
    ]
