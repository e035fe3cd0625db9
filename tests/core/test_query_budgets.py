"""Core's pages and API lists run as many queries for 50 rows as for 2."""

from __future__ import annotations

import pytest

from core.models import Notification
from core.roles import Role
from core.services import api_token_create
from tests.query_budget import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_notifications_page(client_as, make_user):
    user = make_user(Role.PM)
    client = client_as(user)

    def grow(n: int) -> None:
        Notification.objects.bulk_create(
            Notification(user=user, title=f"Note {i}", url="/planner/") for i in range(n)
        )

    def fetch() -> None:
        response = client.get("/notifications/")
        assert response.status_code == 200

    assert_flat_queries(fetch, grow)


def test_home_dashboard_with_many_notifications(client_as, make_user):
    user = make_user(Role.ADMIN)
    client = client_as(user)

    def grow(n: int) -> None:
        Notification.objects.bulk_create(Notification(user=user, title="x") for _ in range(n))

    def fetch() -> None:
        assert client.get("/").status_code == 200

    assert_flat_queries(fetch, grow)


def test_token_api_list(api, make_user):
    user = make_user(Role.PIPELINE)
    client = api(user)

    def grow(n: int) -> None:
        for i in range(n):
            api_token_create(user=user, name=f"t{i}")

    def fetch() -> None:
        response = client.get("/api/v1/tokens/")
        assert response.status_code == 200

    assert_flat_queries(fetch, grow)


def test_the_budget_catches_a_query_per_row(make_user):
    user = make_user(Role.PM)

    def grow(n: int) -> None:
        Notification.objects.bulk_create(Notification(user=user, title="x") for _ in range(n))

    def fetch_one_by_one() -> None:
        for pk in Notification.objects.values_list("pk", flat=True):
            Notification.objects.get(pk=pk)

    with pytest.raises(AssertionError, match="an N\\+1"):
        assert_flat_queries(fetch_one_by_one, grow)
