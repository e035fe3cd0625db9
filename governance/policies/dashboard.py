"""Home-page cards for red-line policies: overdue reviews and policies awaiting attestation."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.public import Card
from governance.policies import selectors
from governance.policies.permissions import ACCESS

SECTION = "Red-line policies"


def cards(user: Any) -> list[Card]:
    result: list[Card] = []
    if ACCESS.allows(user, "view"):
        overdue = selectors.policies_review_overdue().count()
        published = selectors.published_versions().count()
        result.append(
            Card(
                "Policies in force",
                published,
                reverse("policies:index"),
                note="published versions",
                section=SECTION,
            )
        )
        result.append(
            Card(
                "Policy reviews overdue",
                overdue,
                reverse("policies:index") + "?review=overdue",
                note="stale: past their review date" if overdue else "all reviewed on time",
                tone="bad" if overdue else "good",
                section=SECTION,
            )
        )
    if ACCESS.allows(user, "attest"):
        awaiting = selectors.policies_awaiting_attestation(user).count()
        result.append(
            Card(
                "Policies awaiting your attestation",
                awaiting,
                reverse("policies:attest_list") + "?state=awaiting",
                note="read and confirm" if awaiting else "all confirmed",
                tone="warn" if awaiting else "good",
                section=SECTION,
            )
        )
    return result
