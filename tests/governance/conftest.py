"""Governance fixtures."""

import pytest


@pytest.fixture
def license_catalog(db):
    """The license catalog: `governance.reference_data.ensure()` loads it after `migrate` and
    after a transactional test's flush, so asking for the database is enough."""
