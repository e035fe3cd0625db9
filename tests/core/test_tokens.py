"""API tokens: scopes, a default and a bounded expiry, Admin management, audit, and failed
attempts limited per address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiToken, AuditEvent
from core.roles import Role
from core.services import api_token_create, api_token_revoke
from tests.query_budget import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_failure_counts():
    cache.clear()
    yield
    cache.clear()


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_expiry_defaults_is_bounded_and_can_be_never(api, make_user):
    client = api(make_user(Role.PIPELINE))
    huge = client.post(
        "/api/v1/tokens/", {"name": "x", "expires_in_days": 3_000_000}, format="json"
    )
    assert huge.status_code == 400 and "expires_in_days" in huge.json()["fields"]
    default = client.post("/api/v1/tokens/", {"name": "d"}, format="json").json()
    expires = ApiToken.objects.get(pk=default["id"]).expires_at
    assert expires is not None
    assert abs(expires - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    never = client.post("/api/v1/tokens/", {"name": "n", "expires_in_days": None}, format="json")
    assert never.json()["expires_at"] is None


def test_a_token_does_only_what_its_scopes_allow(make_user):
    user = make_user(Role.ADMIN)
    _, read_only = api_token_create(user=user, name="reader", scopes=["read"])
    client = bearer(read_only)
    assert client.get("/api/v1/me/").status_code == 200
    refused = client.post("/api/v1/tokens/", {"name": "more"}, format="json")
    assert refused.status_code == 403
    assert "lacks the 'govern' scope" in refused.json()["detail"]
    assert "read" in refused.json()["detail"]
    bad = APIClient()
    bad.force_authenticate(user)
    unknown = bad.post("/api/v1/tokens/", {"name": "x", "scopes": ["admin"]}, format="json")
    assert unknown.status_code == 400 and "scopes" in unknown.json()["fields"]


def test_admin_lists_filters_and_revokes_any_token(api, make_user):
    admin = make_user(Role.ADMIN, username="root")
    etl = make_user(Role.PIPELINE, username="etl")
    other = make_user(Role.PM, username="pat")
    token, raw = api_token_create(user=etl, name="nightly")
    api_token_create(user=other, name="laptop")
    client = api(admin)
    listing = client.get("/api/v1/tokens/?user=ETL").json()["results"]
    assert [(t["user"], t["name"]) for t in listing] == [("etl", "nightly")]
    assert client.post(f"/api/v1/tokens/{token.pk}/revoke/").json()["is_active"] is False
    assert bearer(raw).get("/api/v1/me/").status_code == 401
    active = {t["name"] for t in client.get("/api/v1/tokens/?active=true").json()["results"]}
    assert "nightly" not in active and "laptop" in active
    # Anyone else still sees only their own tokens and cannot revoke others'.
    assert api(other).post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 404


def test_creating_first_use_and_revoking_are_audited(make_user):
    user = make_user(Role.PIPELINE, username="etl")
    token, raw = api_token_create(user=user, name="nightly", scopes=["read", "ingest"])
    client = bearer(raw)
    client.get("/api/v1/me/")
    client.get("/api/v1/me/")  # a second use is not news
    client.post(f"/api/v1/tokens/{token.pk}/revoke/")  # lacks 'govern': refused, not audited
    admin = make_user(Role.ADMIN)
    api_token_revoke(token=token, actor=admin)
    actions = list(
        AuditEvent.objects.filter(target_id=str(token.pk))
        .order_by("created_at", "id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("api_token.create", "etl"),
        ("api_token.first_use", "etl"),
        ("api_token.revoke", admin.username),
    ]


def test_failed_token_attempts_are_limited_per_address(settings, make_user):
    settings.API_TOKEN_FAILURES_PER_WINDOW = 3
    _, good = api_token_create(user=make_user(Role.PIPELINE), name="ok")
    for _ in range(3):
        assert bearer("stw_deadbeef_guess").get("/api/v1/me/").status_code == 401
    blocked = bearer("stw_deadbeef_guess").get("/api/v1/me/")
    assert blocked.status_code == 429
    assert "failed token attempts" in blocked.json()["detail"]
    assert int(blocked["Retry-After"]) > 0
    # While the address waits, even a right token is not tried: guessing gains nothing.
    assert bearer(good).get("/api/v1/me/").status_code == 429
    other_address = bearer(good)
    assert other_address.get("/api/v1/me/", REMOTE_ADDR="10.9.8.7").status_code == 200


def test_tokens_page_issues_shows_once_and_revokes(client_as, make_user):
    user = make_user(Role.PIPELINE, username="etl")
    client = client_as(user)
    page = client.post(
        "/tokens/", {"name": "nightly", "scopes": ["read", "ingest"], "expires_in_days": 30}
    )
    text = page.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.scopes == ["read", "ingest"]
    secret = text.split('data-testid="new-token">')[1].split("<")[0]
    assert secret.startswith("stw_") and bearer(secret).get("/api/v1/me/").status_code == 200
    again = client.get("/tokens/").content.decode()
    assert secret not in again and "nightly" in again
    client.post(f"/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = client.post("/tokens/", {"name": "x", "scopes": ["read"], "expires_in_days": 99999})
    assert refused.status_code == 200 and "3650" in refused.content.decode()


def test_tokens_page_shows_every_users_tokens_to_an_admin_only(client_as, make_user):
    etl = make_user(Role.PIPELINE, username="etl")
    api_token_create(user=etl, name="etl-token-7")
    admin_page = client_as(make_user(Role.ADMIN, username="root")).get("/tokens/?user=etl")
    assert "etl-token-7" in admin_page.content.decode()
    pm_page = client_as(make_user(Role.PM)).get("/tokens/")
    assert "etl-token-7" not in pm_page.content.decode()


def test_tokens_page_and_api_have_flat_query_counts(client_as, api, make_user):
    admin = make_user(Role.ADMIN, username="root")
    owners = [make_user(Role.PIPELINE, username=f"p{i}") for i in range(3)]
    page_client, api_client = client_as(admin), api(admin)

    def grow(n: int) -> None:
        for i in range(n):
            api_token_create(user=owners[i % 3], name=f"t{i}")

    def fetch() -> None:
        assert page_client.get("/tokens/").status_code == 200
        assert api_client.get("/api/v1/tokens/").status_code == 200

    assert_flat_queries(fetch, grow)
