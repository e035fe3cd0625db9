"""Leased claims on review items: claim the next item, renew or give back a lease, expire them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.public import Actor, ConflictError, NotFoundError, PermissionDenied, actor_user
from monitoring.review.models import ReviewItem, ReviewLease
from monitoring.review.permissions import ACCESS
from monitoring.review.selectors import lease_current

LEASE_MINUTES = getattr(settings, "REVIEW_LEASE_MINUTES", 10)

_CANDIDATE_SQL = """
    SELECT i.id FROM review_reviewitem i
    WHERE i.status = 'open'
      AND NOT (i.id = ANY(%(skip)s))
      AND NOT EXISTS (
        SELECT 1 FROM review_reviewlease l WHERE l.item_id = i.id AND l.user_id = %(user)s)
      AND NOT EXISTS (
        SELECT 1 FROM review_review r WHERE r.item_id = i.id AND r.user_id = %(user)s)
      AND (SELECT count(*) FROM review_reviewlease l
           WHERE l.item_id = i.id
             AND (l.state = 'submitted' OR (l.state = 'active' AND l.expires_at > %(now)s))
          ) < i.required_reviews
    ORDER BY i.priority DESC, i.created_at, i.id
    LIMIT 1
    FOR UPDATE OF i SKIP LOCKED
"""


def reviewer(actor: Actor, action: str = "review") -> User:
    """The person acting on the queue: labels are a person's, never the system's."""
    ACCESS.require(actor, action)
    user = actor_user(actor)
    if user is None:
        raise PermissionDenied(_("Only a person can review items."))
    return user


def _live_or_done_leases(item_id: int, now: datetime) -> int:
    # A fresh statement: under READ COMMITTED it sees every lease committed before our lock.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM review_reviewlease
               WHERE item_id = %s
                 AND (state = 'submitted' OR (state = 'active' AND expires_at > %s))""",
            [item_id, now],
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 0


def review_claim(*, actor: Actor, lease_minutes: int | None = None) -> ReviewLease | None:
    """Lease the next item for `actor`: highest priority, then oldest; None when none is left.

    An item needing N reviews never has more than N live or submitted leases; a user never gets
    the same item twice. The caller's own live lease, if any, is handed back first.
    """
    user = reviewer(actor)
    now = timezone.now()
    current = lease_current(user=user, now=now)
    if current is not None:
        return current
    minutes = lease_minutes or LEASE_MINUTES
    skip: list[int] = []
    for _attempt in range(50):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_CANDIDATE_SQL, {"user": user.pk, "now": now, "skip": skip})
                row = cursor.fetchone()
            if row is None:
                return None
            item = ReviewItem.objects.get(pk=row[0])
            # The candidate query may have read an older snapshot than our lock: recheck.
            if _live_or_done_leases(item.pk, now) >= item.required_reviews:
                skip.append(item.pk)
                continue
            try:
                with transaction.atomic():
                    lease = ReviewLease.objects.create(
                        item=item,
                        user=user,
                        claimed_at=now,
                        expires_at=now + timedelta(minutes=minutes),
                    )
            except IntegrityError:
                skip.append(item.pk)
                continue
            return lease
    return None


def lease_for_update(*, user: User, item_id: int) -> ReviewLease:
    """The caller's live lease on the item, locked; 404 / 409 when there is none."""
    if not ReviewItem.objects.filter(pk=item_id).exists():
        raise NotFoundError("No such review item.")
    lease = ReviewLease.objects.select_for_update().filter(item_id=item_id, user=user).first()
    if lease is None:
        raise ConflictError("This item is not leased to you.", code="not_leased")
    if lease.state != ReviewLease.State.ACTIVE or lease.expires_at <= timezone.now():
        raise ConflictError(
            "Your lease on this item has ended; claim the next item.", code="lease_expired"
        )
    return lease


@transaction.atomic
def review_lease_renew(
    *, actor: Actor, item_id: int, lease_minutes: int | None = None
) -> ReviewLease:
    """Extend the caller's live lease while they work; an ended lease cannot be renewed."""
    lease = lease_for_update(user=reviewer(actor), item_id=item_id)
    lease.expires_at = timezone.now() + timedelta(minutes=lease_minutes or LEASE_MINUTES)
    lease.save(update_fields=["expires_at"])
    return lease


@transaction.atomic
def review_skip(*, actor: Actor, item_id: int) -> ReviewLease:
    """Give the item back for others; the caller will not be offered it again."""
    lease = lease_for_update(user=reviewer(actor), item_id=item_id)
    lease.state = ReviewLease.State.SKIPPED
    lease.released_at = timezone.now()
    lease.save(update_fields=["state", "released_at"])
    return lease


def leases_expire() -> int:
    """Mark leases past their expiry as expired (their items are already claimable again)."""
    return ReviewLease.objects.filter(
        state=ReviewLease.State.ACTIVE, expires_at__lte=timezone.now()
    ).update(state=ReviewLease.State.EXPIRED, released_at=timezone.now())
