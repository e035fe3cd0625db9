"""Home-page cards for PMs and Legal: the review queue and the approved inventory."""

from __future__ import annotations

from django.urls import reverse

from core.public import Card
from governance import selectors
from governance.permissions import ACCESS


def cards(user) -> list[Card]:
    if not ACCESS.allows(user, "view"):
        return []
    awaiting = selectors.datasets_awaiting_review().count()
    overdue = selectors.datasets_overdue_review().count()
    approved = selectors.datasets_approved().count()
    queue = reverse("governance:review_queue")
    return [
        Card(
            "Datasets awaiting legal review",
            awaiting,
            queue,
            note="Submitted, not yet decided",
            tone="warn" if awaiting else "good",
            section="Governance",
        ),
        Card(
            "Overdue license reviews",
            overdue,
            queue + "#overdue",
            note="Review date has passed",
            tone="bad" if overdue else "good",
            section="Governance",
        ),
        Card(
            "Approved datasets",
            approved,
            reverse("governance:dataset_list") + "?status=approved",
            note="Cleared for training",
            tone="good",
            section="Governance",
        ),
    ]
