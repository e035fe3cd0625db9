"""The review lists, dashboard and home-dashboard cards run as many queries for 50 rows as
for 2."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from monitoring.review.dashboard import cards
from monitoring.review.models import (
    Alert,
    AlertRule,
    DailyAgreement,
    DailyAnnotatorRollup,
    DailyGuardQuality,
    DailyRollup,
    Review,
    SamplingRule,
)
from tests.query_budget import assert_flat_queries
from tests.review.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db


def _ok(client, url):
    def fetch():
        response = client.get(url)
        assert response.status_code == 200

    return fetch


def test_adjudication_list(client_as, legal, make_user):
    reviewers = [make_user(Role.ANNOTATOR), make_user(Role.ANNOTATOR)]

    def grow(n):
        for _ in range(n):
            item = ReviewItemFactory(status="adjudication", required_reviews=2)
            for user, verdict in zip(reviewers, ("safe", "unsafe"), strict=True):
                Review.objects.create(item=item, user=user, verdict=verdict)

    assert_flat_queries(
        _ok(client_as(legal), "/monitoring/review/adjudication/?sort=project"), grow
    )


def test_alerts_page(client_as, legal, make_user):
    def grow(n):
        for i in range(n):
            rule = AlertRule.objects.create(
                name=f"Rule {AlertRule.objects.count()}", kind="backlog"
            )
            status = ("firing", "acknowledged", "resolved")[i % 3]
            Alert.objects.create(
                rule=rule,
                status=status,
                value=1.0,
                message="over",
                acknowledged_by=make_user() if status != "firing" else None,
                resolved_by=make_user() if status == "resolved" else None,
                resolved_at=timezone.now() if status == "resolved" else None,
            )

    assert_flat_queries(_ok(client_as(legal), "/monitoring/review/alerts/"), grow)
    assert_flat_queries(_ok(client_as(legal), "/monitoring/review/alerts/?export=csv"), grow)


def test_rules_page(client_as, pm):
    def grow(n):
        for _ in range(n):
            number = SamplingRule.objects.count()
            SamplingRule.objects.create(project=f"project-{number}")
            rule = AlertRule.objects.create(name=f"Rule {number}", kind="backlog")
            Alert.objects.create(rule=rule, value=1.0, message="over")

    assert_flat_queries(_ok(client_as(pm), "/monitoring/review/rules/"), grow)


def _grow_rollups(users):
    def grow(n):
        start = timezone.localdate() - timedelta(days=DailyRollup.objects.count())
        for i in range(n):
            day = start - timedelta(days=i)
            project = f"project-{i % 3}"
            DailyRollup.objects.create(
                project=project,
                day=day,
                scans=10,
                scans_unsafe=2,
                sample_labeled=4,
                sample_unsafe=1,
                items_queued=3,
                items_done=2,
                reviews=4,
                review_seconds=40,
            )
            DailyGuardQuality.objects.create(project=project, day=day, category="S1", tp=1, fn=1)
            DailyAgreement.objects.create(
                project=project, day=day, measure="kappa", pattern="safe|unsafe", count=2
            )
            DailyAnnotatorRollup.objects.create(
                project=project, day=day, user=users[i % len(users)], reviews=3, review_seconds=9
            )

    return grow


def test_review_dashboard(client_as, pm, make_user):
    users = [make_user(Role.ANNOTATOR) for _ in range(3)]
    grow = _grow_rollups(users)
    assert_flat_queries(_ok(client_as(pm), "/monitoring/review/dashboard/?days=366"), grow)


def test_home_dashboard_cards(legal, make_user):
    users = [make_user(Role.ANNOTATOR) for _ in range(3)]
    grow_rollups = _grow_rollups(users)

    def grow(n):
        grow_rollups(n)
        for _ in range(n):
            ReviewItemFactory()
            ReviewItemFactory(status="adjudication")
            rule = AlertRule.objects.create(
                name=f"Rule {AlertRule.objects.count()}", kind="backlog"
            )
            Alert.objects.create(rule=rule, value=1.0, message="over")

    def fetch():
        assert len(cards(legal)) == 4

    assert_flat_queries(fetch, grow)
