"""Reference data of red-line policies: the published `default` policy monitoring falls back to,
built from the taxonomy pinned in `default_taxonomy.py`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from governance.policies.default_taxonomy import (
    DEFAULT_POLICY_DESCRIPTION,
    DEFAULT_POLICY_NAME,
    DEFAULT_POLICY_SLUG,
    DEFAULT_POLICY_SUMMARY,
    DEFAULT_REVIEW_CADENCE_DAYS,
    default_categories,
)
from governance.policies.models import Policy, PolicyCategory, PolicyTransition, PolicyVersion


def default_policy_ensure() -> Policy:
    """The published `default` policy, created if missing (idempotent; one query when present)."""
    policy = Policy.objects.filter(slug=DEFAULT_POLICY_SLUG).first()
    if policy is not None:
        return policy
    with transaction.atomic():
        policy = Policy.objects.create(
            name=DEFAULT_POLICY_NAME,
            slug=DEFAULT_POLICY_SLUG,
            description=DEFAULT_POLICY_DESCRIPTION,
            review_cadence_days=DEFAULT_REVIEW_CADENCE_DAYS,
            next_review_on=timezone.localdate()
            + datetime.timedelta(days=DEFAULT_REVIEW_CADENCE_DAYS),
        )
        version = PolicyVersion.objects.create(
            policy=policy,
            number=1,
            status=PolicyVersion.Status.PUBLISHED,
            summary=DEFAULT_POLICY_SUMMARY,
            published_at=timezone.now(),
        )
        PolicyCategory.objects.bulk_create(
            PolicyCategory(version=version, position=index, **category)
            for index, category in enumerate(default_categories(), start=1)
        )
        # Seeded by Steward itself: no actor row.
        PolicyTransition.objects.create(
            version=version,
            from_status="",
            to_status=PolicyVersion.Status.PUBLISHED,
            note="Seeded default policy",
        )
    return policy


def ensure() -> None:
    default_policy_ensure()
