"""A pipeline token pushes outputs only with the `ingest` scope and reads only with `read`."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.services import api_token_create
from monitoring.models import ModelOutput
from tests.monitoring.factories import item

pytestmark = pytest.mark.django_db


def bearer(user, scopes: list[str]) -> APIClient:
    _, raw = api_token_create(user=user, name="etl", scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_ingest_needs_the_ingest_scope(pipeline):
    reader = bearer(pipeline, ["read"])
    refused = reader.post("/api/v1/outputs/", item(1), format="json")
    assert refused.status_code == 403
    assert "lacks the 'ingest' scope" in refused.json()["detail"]
    assert not ModelOutput.objects.exists()
    assert reader.get("/api/v1/outputs/").status_code == 200

    writer = bearer(pipeline, ["ingest"])
    assert writer.post("/api/v1/outputs/", item(1), format="json").status_code in (200, 201)
    assert writer.post("/api/v1/outputs/bulk/", [item(2)], format="json").status_code == 200
    assert ModelOutput.objects.count() == 2
    # Without `read` the same token cannot read back.
    assert "lacks the 'read' scope" in writer.get("/api/v1/outputs/").json()["detail"]
