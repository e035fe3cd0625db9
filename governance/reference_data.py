"""Reference data: the license catalog, loaded from the file pinned in the repository.

`data/license_catalog.json` was generated once from license-expression's bundled ScanCode
index and the curated facts in `governance.licensing` (its "generated_from" says which
versions), so the catalog no longer changes with whatever package version is installed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from governance import licensing
from governance.models import License

CATALOG_FILE = Path(__file__).parent / "data" / "license_catalog.json"


@cache
def license_catalog_rows() -> tuple[dict[str, Any], ...]:
    """Every License row of the pinned catalog (field name → value), read once per process."""
    return tuple(json.loads(CATALOG_FILE.read_text(encoding="utf-8"))["licenses"])


@cache
def license_catalog_facts() -> dict[str, licensing.LicenseFacts]:
    """The pinned catalog as facts, keyed by lower-cased id: the fallback for verdicts."""
    return {
        row["key"]: licensing.LicenseFacts(
            key=row["spdx_id"],
            name=row["name"],
            use_class=row["use_class"],
            attribution_required=row["attribution_required"],
            share_alike=row["share_alike"],
            no_derivatives=row["no_derivatives"],
            needs_legal_review=row["needs_legal_review"],
            note=row["note"],
            is_exception=row["is_exception"],
            source=row["facts_source"],
            version=row["facts_version"],
        )
        for row in license_catalog_rows()
    }


def _curated_rows() -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in license_catalog_rows() if row["curated"]}


def _stale_curated() -> Q:
    """Curated licenses whose facts predate the pinned file and that Legal has not overridden."""
    return Q(key__in=list(_curated_rows()), overridden_at__isnull=True) & ~Q(
        facts_version=licensing.CURATED_VERSION
    )


@transaction.atomic
def license_catalog_load() -> int:
    """Create missing licenses and refresh stale curated facts; Legal's overrides are kept.
    Returns how many licenses were created."""
    rows = license_catalog_rows()
    existing = set(License.objects.values_list("key", flat=True))
    missing = [License(**row) for row in rows if row["key"] not in existing]
    License.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
    curated = _curated_rows()
    for license_obj in License.objects.filter(_stale_curated()):
        for name, value in curated[license_obj.key].items():
            setattr(license_obj, name, value)
        license_obj.save()
    return len(missing)


def ensure() -> None:
    """Load the catalog when rows are missing or stale: one query when it is already there
    (core calls this after every `migrate` and after a transactional test's flush)."""
    state = License.objects.aggregate(total=Count("pk"), stale=Count("pk", filter=_stale_curated()))
    if state["total"] < len(license_catalog_rows()) or state["stale"]:
        license_catalog_load()
