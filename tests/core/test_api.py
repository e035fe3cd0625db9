"""The API skeleton: root, schema, docs, tokens, uniform errors and throttling."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import ApiToken
from core.services import api_token_create

pytestmark = pytest.mark.django_db


def test_api_root_lists_endpoints(api, pm):
    response = api(pm).get("/api/v1/")
    assert response.status_code == 200
    assert "tokens" in response.json()


def test_openapi_schema_and_offline_swagger_ui(client, api, pm):
    schema = api(pm).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    # served by our own static files, not a CDN
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    assert "/static/drf_spectacular_sidecar/" in html


def test_unknown_api_path_is_json_404(api, pm):
    response = api(pm).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "not_found"


def test_missing_object_is_json_404(api, pm):
    response = api(pm).get("/api/v1/tokens/999999/")
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "No ApiToken matches the given query.",
    }


def test_validation_error_names_the_field(api, pm):
    response = api(pm).post("/api/v1/tokens/", {"name": "x", "expires_in_days": 0}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert body["detail"].startswith("expires_in_days:")
    assert "expires_in_days" in body["fields"]


def test_malformed_json_is_400(api, pm):
    response = api(pm).post("/api/v1/tokens/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"


def test_token_is_stored_hashed_and_shown_once(api, pm):
    response = api(pm).post("/api/v1/tokens/", {"name": "ci", "expires_in_days": 30}, format="json")
    assert response.status_code == 201
    raw = response.json()["token"]
    stored = ApiToken.objects.get(pk=response.json()["id"])
    assert raw not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64
    listing = api(pm).get("/api/v1/tokens/").json()
    assert all("token" not in item for item in listing["results"])


def test_expired_and_revoked_tokens_are_refused(pm):
    from rest_framework.test import APIClient

    token, raw = api_token_create(user=pm, name="old")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/").status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]

    token2, raw2 = api_token_create(user=pm, name="revoked")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw2}")
    revoke = client.post(f"/api/v1/tokens/{token2.pk}/revoke/")
    assert revoke.status_code == 200
    assert revoke.json()["is_active"] is False
    assert client.get("/api/v1/me/").status_code == 401


def test_users_see_only_their_own_tokens(api, pm, legal):
    theirs, _ = api_token_create(user=legal, name="legal's")
    response = api(pm).get(f"/api/v1/tokens/{theirs.pk}/")
    assert response.status_code == 404


def test_pipeline_scope_is_throttled(api, pipeline, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    rates = api_settings.DEFAULT_THROTTLE_RATES | {"pipeline": "3/min"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = api(pipeline)
        codes = [client.get("/api/v1/me/").status_code for _ in range(4)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes == [200, 200, 200, 429]
