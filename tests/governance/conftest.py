"""Governance fixtures: the license catalog, which transactional tests elsewhere may flush."""

import pytest

from governance.catalog import catalog_seed
from governance.models import License


@pytest.fixture
def license_catalog(db):
    """The seeded catalog (migrations create it; a flush by a transactional test removes it)."""
    if not License.objects.filter(curated=True).exists():
        catalog_seed()
