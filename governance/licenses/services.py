"""Legal's corrections to the facts of a license; the verdicts that use it are refreshed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.public import (
    Actor,
    ApplicationError,
    InvalidInput,
    actor_user,
    audit_record,
    field_changes,
)
from governance import selectors
from governance.datasets.services import dataset_verdict_refresh
from governance.models import License
from governance.permissions import ACCESS

LICENSE_FACT_FIELDS = (
    "use_class",
    "attribution_required",
    "share_alike",
    "no_derivatives",
    "needs_legal_review",
)


@transaction.atomic
def license_override(*, actor: Actor, license: License, reason: str, **facts: Any) -> License:
    """Legal corrects the facts of a license; who and why are recorded and verdicts refresh."""
    ACCESS.require(actor, "review")
    if not reason.strip():
        message = "Say why the facts are overridden."
        raise InvalidInput(message, fields={"reason": [message]})
    unknown = set(facts) - set(LICENSE_FACT_FIELDS)
    if unknown:
        raise ApplicationError(f"These license facts cannot be set: {', '.join(sorted(unknown))}.")
    before = {name: getattr(license, name) for name in LICENSE_FACT_FIELDS}
    for name, value in facts.items():
        setattr(license, name, value)
    license.overridden_by = actor_user(actor)
    license.overridden_at = timezone.now()
    license.override_reason = reason.strip()
    license.facts_source = f"Override by {actor}"
    license.full_clean()
    license.save()
    changes = field_changes(before, {name: getattr(license, name) for name in LICENSE_FACT_FIELDS})
    audit_record(
        actor=actor, target=license, action="license.override", changes=changes, note=reason
    )
    for dataset in selectors.licenses_used_by(license):
        dataset_verdict_refresh(dataset)
        dataset.save(update_fields=["verdict", "commercial_use", "needs_legal_review"])
    return license
