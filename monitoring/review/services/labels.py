"""Labels: a reviewer's submission under their lease, consensus, and the adjudicator's final say."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.public import Actor, ApplicationError, ConflictError, NotFoundError, audit_record
from monitoring.review.models import Review, ReviewItem, ReviewLease
from monitoring.review.selectors import item_category_codes
from monitoring.review.services.claims import lease_for_update, reviewer
from monitoring.review.services.rollups import local_day, rollup_mark_dirty

VERDICTS = ("safe", "unsafe")


def _validate_label(item: ReviewItem, verdict: str, categories: list[str]) -> list[str]:
    if verdict not in VERDICTS:
        raise ApplicationError("The verdict must be safe or unsafe.", code="invalid_verdict")
    categories = list(dict.fromkeys(categories))
    allowed = item_category_codes(item=item)
    unknown = [c for c in categories if allowed is not None and c not in allowed]
    if unknown:
        raise ApplicationError(
            f"Unknown categories for this policy version: {', '.join(unknown)}.",
            code="invalid_categories",
        )
    if verdict == "safe" and categories:
        raise ApplicationError("A safe verdict has no categories.", code="invalid_categories")
    return categories


def _finalize(item: ReviewItem, *, verdict: str, categories: list[str], source: str) -> None:
    now = timezone.now()
    item.status = ReviewItem.Status.DONE
    item.final_verdict = verdict
    item.final_categories = sorted(categories)
    item.final_source = source
    item.finalized_at = now
    item.save(
        update_fields=[
            "status",
            "final_verdict",
            "final_categories",
            "final_source",
            "finalized_at",
            "updated_at",
        ]
    )
    rollup_mark_dirty(project=item.project, day=local_day(now))
    rollup_mark_dirty(project=item.project, day=local_day(item.output.received_at))


@transaction.atomic
def review_submit(
    *,
    actor: Actor,
    item_id: int,
    verdict: str,
    categories: Iterable[str] = (),
    helpful: int | None = None,
    faithful: str = "",
    notes: str = "",
) -> Review:
    """Record the caller's label under their live lease; 409 once the lease has ended.

    When the item has all the reviews it needs, it is settled: the shared label if the
    reviewers agree, otherwise it waits for adjudication.
    """
    user = reviewer(actor)
    lease = lease_for_update(user=user, item_id=item_id)
    item = ReviewItem.objects.select_for_update().select_related("output").get(pk=item_id)
    chosen = _validate_label(item, verdict, list(categories))
    if helpful is not None and not 1 <= helpful <= 5:
        raise ApplicationError("helpful must be between 1 and 5.", code="invalid_helpful")
    if faithful and faithful not in Review.Faithful.values:
        raise ApplicationError("faithful must be yes, no or unsure.", code="invalid_faithful")
    now = timezone.now()
    review = Review.objects.create(
        item=item,
        user=user,
        verdict=verdict,
        categories=sorted(chosen),
        helpful=helpful,
        faithful=faithful,
        notes=notes,
        seconds_spent=(now - lease.claimed_at).total_seconds(),
        created_at=now,
    )
    lease.state = ReviewLease.State.SUBMITTED
    lease.released_at = now
    lease.save(update_fields=["state", "released_at"])
    rollup_mark_dirty(project=item.project, day=local_day(now))
    labels = list(item.reviews.filter(is_adjudication=False).values_list("verdict", "categories"))
    if item.status == ReviewItem.Status.OPEN and len(labels) >= item.required_reviews:
        item.reviewed_at = now
        item.save(update_fields=["reviewed_at", "updated_at"])
        distinct = {(v, tuple(sorted(c))) for v, c in labels}
        if len(distinct) == 1:
            _finalize(item, verdict=verdict, categories=chosen, source="consensus")
        else:
            item.status = ReviewItem.Status.ADJUDICATION
            item.save(update_fields=["status", "updated_at"])
    return review


@transaction.atomic
def review_adjudicate(
    *, actor: Actor, item_id: int, verdict: str, categories: Iterable[str] = (), notes: str = ""
) -> ReviewItem:
    """Settle a disagreement: the adjudicator's label is final."""
    user = reviewer(actor, "adjudicate")
    item = (
        ReviewItem.objects.select_for_update().select_related("output").filter(pk=item_id).first()
    )
    if item is None:
        raise NotFoundError("No such review item.")
    if item.status != ReviewItem.Status.ADJUDICATION:
        raise ConflictError("This item is not waiting for adjudication.", code="not_disputed")
    if item.reviews.filter(user=user, is_adjudication=False).exists():
        # Their label is one side of the disagreement; settling it would also overwrite it.
        raise ConflictError(
            "You reviewed this item; someone else must adjudicate it.", code="own_review"
        )
    chosen = _validate_label(item, verdict, list(categories))
    Review.objects.update_or_create(
        item=item,
        user=user,
        defaults={
            "verdict": verdict,
            "categories": sorted(chosen),
            "notes": notes,
            "is_adjudication": True,
        },
    )
    _finalize(item, verdict=verdict, categories=chosen, source="adjudication")
    audit_record(
        actor=actor,
        target=item,
        action="review_item.adjudicate",
        changes={"verdict": [None, verdict], "categories": [None, sorted(chosen)]},
        note=notes,
    )
    return item
