"""Query budgets: every policies list (pages, dashboard cards, API lists) runs as many queries
for 50 rows as for 2."""

import datetime
import itertools

import pytest
from django.utils import timezone

from core.dashboard import dashboard_cards
from core.roles import Role
from governance.policies.models import (
    Policy,
    PolicyAttestation,
    PolicyCategory,
    PolicyException,
    PolicyTransition,
    PolicyVersion,
)
from tests.query_budget import assert_flat_queries

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status
_serial = itertools.count()


def _version(policy, number, status, actor):
    version = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        status=status,
        created_by=actor,
        published_at=timezone.now() if status == Status.PUBLISHED else None,
    )
    PolicyCategory.objects.bulk_create(
        PolicyCategory(version=version, position=i, code=f"S{i}", name=f"Hazard {i}")
        for i in (1, 2)
    )
    PolicyException.objects.create(version=version, scope="clinic", code="S1", reason="Staff")
    PolicyTransition.objects.create(version=version, to_status=status, actor=actor)
    return version


def _policies(n, legal, approver):
    """n policies, each with a published v1 and a draft v2, an owner and an approver; overdue."""
    for _ in range(n):
        serial = next(_serial)
        policy = Policy.objects.create(
            name=f"Budget {serial}",
            slug=f"budget-{serial}",
            owner=legal,
            next_review_on=timezone.localdate() - datetime.timedelta(days=1),
        )
        policy.approvers.set([approver])
        _version(policy, 1, Status.PUBLISHED, legal)
        _version(policy, 2, Status.DRAFT, legal)


@pytest.fixture
def approver(make_user):
    return make_user(Role.LEGAL, username="budget_approver")


def test_policy_list_page(client_as, legal, approver):
    client = client_as(legal)

    def fetch():
        assert client.get("/governance/policies/", {"sort": "-published_number"}).status_code == 200

    assert_flat_queries(fetch, lambda n: _policies(n, legal, approver))


def test_attestation_list_page(client_as, legal, pm, approver):
    client = client_as(pm)

    def grow(n):
        _policies(n, legal, approver)
        for version in PolicyVersion.objects.filter(status=Status.PUBLISHED)[: n // 2]:
            PolicyAttestation.objects.get_or_create(version=version, user=pm)

    def fetch():
        assert client.get("/governance/policies/attest/").status_code == 200

    assert_flat_queries(fetch, grow)


def test_dashboard_cards(legal, approver):
    assert_flat_queries(lambda: dashboard_cards(legal), lambda n: _policies(n, legal, approver))


def test_home_dashboard_page(client_as, legal, approver):
    client = client_as(legal)

    def fetch():
        assert client.get("/").status_code == 200

    assert_flat_queries(fetch, lambda n: _policies(n, legal, approver))


def test_api_policy_list(api, legal, approver):
    client = api(legal)

    def fetch():
        assert client.get("/api/v1/policies/").status_code == 200

    assert_flat_queries(fetch, lambda n: _policies(n, legal, approver))


def test_api_published_list(api, pipeline, legal, approver):
    client = api(pipeline)

    def fetch():
        assert client.get("/api/v1/policies/published/").status_code == 200

    assert_flat_queries(fetch, lambda n: _policies(n, legal, approver))


def test_api_version_list(api, legal):
    policy = Policy.objects.create(name="Many versions", slug="many-versions", owner=legal)
    numbers = itertools.count(1)
    client = api(legal)

    def grow(n):
        for _ in range(n):
            _version(policy, next(numbers), Status.RETIRED, legal)

    def fetch():
        assert client.get(f"/api/v1/policies/{policy.pk}/versions/").status_code == 200

    assert_flat_queries(fetch, grow)


def test_policy_detail_page(client_as, legal, approver):
    """The detail page lists versions, transitions and attestations."""
    policy = Policy.objects.create(name="Detailed", slug="detailed", owner=legal)
    numbers = itertools.count(1)
    client = client_as(legal)

    def grow(n):
        for _ in range(n):
            _version(policy, next(numbers), Status.RETIRED, legal)

    def fetch():
        assert client.get(f"/governance/policies/{policy.pk}/").status_code == 200

    assert_flat_queries(fetch, grow)
