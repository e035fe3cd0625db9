"""Seed the License catalog from the bundled SPDX/ScanCode data and the curated facts."""

from __future__ import annotations

from typing import Any

from governance import licensing


def _row(facts: licensing.LicenseFacts, curated: bool) -> dict[str, Any]:
    return {
        "spdx_id": facts.key,
        "key": facts.key.lower(),
        "name": facts.name[:300],
        "use_class": facts.use_class,
        "attribution_required": facts.attribution_required,
        "share_alike": facts.share_alike,
        "no_derivatives": facts.no_derivatives,
        "needs_legal_review": facts.needs_legal_review,
        "is_exception": facts.is_exception,
        "curated": curated,
        "note": facts.note,
        "facts_source": facts.source,
        "facts_version": facts.version,
    }


def catalog_seed(license_model: Any = None) -> int:
    """Create missing licenses and refresh curated facts; Legal's overrides are kept.

    Takes the model class so that a data migration can pass its historical model.
    Returns how many licenses were created.
    """
    if license_model is None:
        from governance.models import License as license_model
    catalog = licensing.builtin_catalog()
    curated_keys = {facts.key.lower() for facts in licensing.curated_facts()}
    existing = set(license_model.objects.values_list("key", flat=True))
    missing = [
        license_model(**_row(facts, key in curated_keys))
        for key, facts in catalog.items()
        if key not in existing
    ]
    license_model.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
    stale = license_model.objects.filter(
        key__in=curated_keys & existing, overridden_at__isnull=True
    ).exclude(facts_version=licensing.CURATED_VERSION)
    for row in stale:
        for name, value in _row(catalog[row.key], True).items():
            setattr(row, name, value)
        row.save()
    return len(missing)
