"""The license catalog comes from the file pinned in the repository, loaded idempotently."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import reference_data
from governance.models import License

pytestmark = pytest.mark.django_db


def test_the_catalog_is_there_after_migrate_and_matches_the_pinned_file():
    rows = reference_data.license_catalog_rows()
    assert License.objects.count() == len(rows) > 2000
    mit = License.objects.get(spdx_id="MIT")
    pinned = next(row for row in rows if row["spdx_id"] == "MIT")
    assert {name: getattr(mit, name) for name in pinned} == pinned


def test_ensure_is_one_query_when_the_catalog_is_loaded():
    with CaptureQueriesContext(connection) as queries:
        reference_data.ensure()
    assert len(queries) == 1


def test_ensure_restores_missing_rows_and_stale_curated_facts_but_keeps_overrides():
    License.objects.filter(spdx_id="CC0-1.0").delete()
    License.objects.filter(spdx_id="CC-BY-4.0").update(facts_version="old", share_alike=True)
    License.objects.filter(spdx_id="MIT").update(
        facts_version="old", needs_legal_review=True, overridden_at="2026-01-01T00:00Z"
    )
    reference_data.ensure()
    assert License.objects.filter(spdx_id="CC0-1.0").exists()
    assert License.objects.get(spdx_id="CC-BY-4.0").share_alike is False
    assert License.objects.get(spdx_id="MIT").needs_legal_review is True
    assert reference_data.license_catalog_load() == 0


def test_the_seed_migration_runs_no_application_code():
    import governance.migrations

    source = (
        Path(governance.migrations.__file__).parent / "0002_seed_license_catalog.py"
    ).read_text()
    assert "RunPython" not in source and "import governance" not in source
