"""Home-page cards for the review queue: backlog, disagreements, open alerts, my queue."""

from __future__ import annotations

from django.urls import reverse

from core.public import Card
from monitoring.review import selectors
from monitoring.review.permissions import ACCESS


def cards(user) -> list[Card]:
    result: list[Card] = []
    if ACCESS.allows(user, "review"):
        progress = selectors.annotator_progress(user=user)
        result.append(
            Card(
                "Waiting for review",
                progress["waiting"],
                reverse("review:queue"),
                note=f"You reviewed {progress['done_today']} today",
                section="Review",
            )
        )
    if ACCESS.allows(user, "view"):
        flow = selectors.queue_flow(period=selectors.Period.last_days(7))
        alerts = selectors.open_alert_count()
        result += [
            Card(
                "Review backlog",
                flow.backlog,
                reverse("review:dashboard"),
                note=f"{flow.done} settled in 7 days",
                tone="warn" if flow.backlog > 500 else "",
                section="Review",
            ),
            Card(
                "Open alerts",
                alerts,
                reverse("review:alerts"),
                tone="bad" if alerts else "good",
                section="Review",
            ),
        ]
    if ACCESS.allows(user, "adjudicate"):
        result.append(
            Card(
                "Disagreements",
                selectors.adjudication_count(),
                reverse("review:adjudication"),
                note="Waiting for adjudication",
                section="Review",
            )
        )
    return result
