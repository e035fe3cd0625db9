"""Writes for the review queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from monitoring.models import ModelOutput
from monitoring.review.models import REASON_PRIORITY, ReviewItem, ReviewReason


@transaction.atomic
def review_item_route(
    *, output: ModelOutput, reasons: Iterable[str], priority: int | None = None
) -> ReviewItem:
    """Queue `output` for human review for `reasons`; idempotent.

    An output has at most one item; routing it again adds only reasons it lacks (so it is never
    queued twice for the same reason), and its priority only ever rises.
    """
    wanted = [ReviewReason(reason) for reason in reasons]
    if not wanted:
        raise ValueError("At least one reason is needed to queue an output for review")
    floor = max(REASON_PRIORITY[reason] for reason in wanted)
    if priority is not None:
        floor = max(floor, priority)
    item, created = ReviewItem.objects.select_for_update().get_or_create(
        output=output, defaults={"reasons": [str(r) for r in wanted], "priority": floor}
    )
    if not created:
        missing = [str(r) for r in wanted if str(r) not in item.reasons]
        if missing or floor > item.priority:
            item.reasons = item.reasons + missing
            item.priority = max(item.priority, floor)
            item.save(update_fields=["reasons", "priority", "updated_at"])
    return item
