"""The periodic review of a policy: mark it reviewed, remind owners when it is overdue."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.public import Actor, audit_record, field_changes, notify
from governance.policies.models import Policy
from governance.policies.permissions import ACCESS


@transaction.atomic
def policy_review_complete(*, actor: Actor, policy: Policy, note: str = "") -> Policy:
    """Legal reviewed the policy and it still holds: the next review is one cadence away."""
    ACCESS.require(actor, "edit")
    before = policy.next_review_on
    policy.next_review_on = timezone.localdate() + datetime.timedelta(
        days=policy.review_cadence_days
    )
    policy.save(update_fields=["next_review_on", "updated_at"])
    audit_record(
        actor=actor,
        target=policy,
        action="policy.review",
        changes=field_changes(
            {"next_review_on": before}, {"next_review_on": policy.next_review_on}
        ),
        note=note,
    )
    return policy


def policies_review_overdue_notify(*, actor: Actor, today: datetime.date | None = None) -> int:
    """Remind the owners of policies past their review date, once per review date."""
    ACCESS.require(actor, "edit")
    today = today or timezone.localdate()
    reminded = 0
    overdue = Policy.objects.filter(next_review_on__lt=today).values_list("pk", flat=True)
    for pk in overdue:
        with transaction.atomic():
            locked = Policy.objects.select_for_update().get(pk=pk)
            if locked.next_review_on is None or locked.review_reminded_for == locked.next_review_on:
                continue
            if locked.owner is not None and locked.owner.is_active:
                days = (today - locked.next_review_on).days
                notify(
                    users=[locked.owner],
                    title=f"Review overdue: {locked.name}",
                    body=f"The periodic review was due on {locked.next_review_on:%Y-%m-%d} "
                    f"({days} days ago). Review the policy, or start a new version.",
                    url=reverse("policies:detail", args=[locked.pk]),
                )
            locked.review_reminded_for = locked.next_review_on
            locked.save(update_fields=["review_reminded_for"])
            reminded += 1
    return reminded
