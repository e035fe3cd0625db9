"""Monitoring's list page, API list and home-dashboard cards run as many queries for 50
outputs as for 2."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.policies.public import DEFAULT_POLICY_SLUG, published_versions_by_slug
from monitoring.dashboard import cards
from tests.query_budget import assert_flat_queries
from tests.review.factories import GuardScanFactory, ModelOutputFactory, ReviewItemFactory

pytestmark = pytest.mark.django_db


def grow_outputs(n: int) -> None:
    version = published_versions_by_slug([DEFAULT_POLICY_SLUG])[DEFAULT_POLICY_SLUG]
    for i in range(n):
        output = ModelOutputFactory(project=f"project-{i % 3}", model=f"model-{i % 4}")
        GuardScanFactory(output=output, policy_version_id=version.id, verdict="unsafe")
        GuardScanFactory(output=output, verdict="error")  # an older scan without a policy
        if i % 2:
            ReviewItemFactory(output=output, reasons=["unsafe"])


def test_outputs_page(client_as, pm):
    client = client_as(pm)

    def fetch():
        response = client.get("/monitoring/?sort=-received_at")
        assert response.status_code == 200

    assert_flat_queries(fetch, grow_outputs)


def test_outputs_page_filtered_by_htmx(client_as, pm):
    client = client_as(pm)

    def fetch():
        response = client.get(
            "/monitoring/?verdict=error", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="outputs"
        )
        assert response.status_code == 200

    assert_flat_queries(fetch, grow_outputs)


def test_outputs_api_list(api, pm):
    client = api(pm)

    def fetch():
        response = client.get("/api/v1/outputs/")
        assert response.status_code == 200
        assert all(row["latest_scan"] for row in response.json()["results"])

    assert_flat_queries(fetch, grow_outputs)


def test_home_dashboard_cards(pm):
    def fetch():
        with CaptureQueriesContext(connection):
            assert cards(pm)

    assert_flat_queries(fetch, grow_outputs)
