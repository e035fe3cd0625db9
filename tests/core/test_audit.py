"""The audit log: one page with filters and CSV export, and `GET /api/v1/audit/`, for Legal
and Admin; values read as words, never Python reprs."""

from __future__ import annotations

import csv
import io

import pytest

from core.actors import SYSTEM
from core.audit_format import audit_changes_text, audit_value_text
from core.csv_export import csv_cell
from core.models import AuditEvent
from core.roles import Role
from core.services import api_token_create, audit_record, field_changes
from tests.query_budget import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_user):
    """A token renamed by its owner, then revoked by Steward; a user's languages changed."""
    owner = make_user(Role.PIPELINE, username="etl")
    token, _ = api_token_create(user=owner, name="nightly")
    audit_record(
        actor=owner,
        target=token,
        action="api_token.update",
        changes=field_changes({"name": "nightly"}, {"name": "=HYPERLINK(1)"}),
    )
    audit_record(actor=SYSTEM, target=token, action="api_token.revoke", note="expired")
    audit_record(
        actor=owner,
        target=owner,
        action="user.update",
        changes=field_changes({"languages": None, "active": True}, {"languages": ["en", "ko"]}),
    )
    return owner, token


def test_values_read_as_words():
    assert audit_value_text(["en", "ko"]) == "en, ko"
    assert audit_value_text(None) == "—" and audit_value_text([]) == "—"
    assert audit_value_text(True) == "yes" and audit_value_text(False) == "no"
    assert audit_changes_text({"languages": [None, ["en"]]}) == {"languages": ["—", "en"]}


def test_csv_cells_cannot_run_as_formulas():
    assert csv_cell("=SUM(A1)") == "'=SUM(A1)" and csv_cell("-1") == "'-1"
    assert csv_cell(-1) == "-1" and csv_cell(None) == "" and csv_cell("plain") == "plain"


def test_api_lists_changes_for_legal_with_filters(api, make_user, history):
    _, token = history
    client = api(make_user(Role.LEGAL))
    body = client.get(f"/api/v1/audit/?object_type=api_token&object_id={token.pk}").json()
    entries = body["results"]
    assert [e["action"] for e in entries] == [
        "api_token.revoke",
        "api_token.update",
        "api_token.create",
    ]
    revoke, update, _ = entries
    assert revoke["actor"] is None and revoke["note"] == "expired"
    assert update["actor"] == "etl" and update["changes"] == {"name": ["nightly", "=HYPERLINK(1)"]}
    assert set(update) >= {"actor", "action", "at", "changes", "object_type", "object_id"}
    users = client.get("/api/v1/audit/?object_type=user&actor=ETL").json()["results"]
    assert users[0]["changes"] == {"active": ["yes", "—"], "languages": ["—", "en, ko"]}
    prefix = client.get(f"/api/v1/audit/?action=api_token.&object_id={token.pk}").json()
    assert prefix["count"] == 3
    assert client.get("/api/v1/audit/?action=api_token.update").json()["count"] == 1


@pytest.mark.parametrize("role", [Role.PM, Role.ANNOTATOR, Role.PIPELINE])
def test_api_is_for_legal_and_admin_only(api, make_user, role, history):
    response = api(make_user(role)).get("/api/v1/audit/")
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert api(make_user(Role.ADMIN, username="root")).get("/api/v1/audit/").status_code == 200


def test_page_filters_and_exports_csv(client_as, make_user, history):
    client = client_as(make_user(Role.LEGAL))
    page = client.get("/audit/?action=user.")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Languages: — → en, ko" in text and "api_token.revoke" not in text
    # htmx filtering swaps the table alone: one results element, no page around it.
    fragment = client.get("/audit/?q=nightly", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert fragment.content.decode().count('id="results"') == 1
    assert "<h1>" not in fragment.content.decode()
    exported = client.get("/audit/export.csv?object_type=api_token")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0][:3] == ["at", "actor", "action"]
    assert {row[2] for row in rows[1:]} == {
        "api_token.create",
        "api_token.update",
        "api_token.revoke",
    }
    assert "name: nightly → =HYPERLINK(1)" in {row[6] for row in rows[1:]}
    owner, _ = history
    audit_record(actor=owner, target=owner, action="user.update", note="@SUM(1)")
    exported = client.get("/audit/export.csv?object_type=user&q=SUM")
    (row,) = list(csv.reader(io.StringIO(exported.content.decode())))[1:]
    assert row[7] == "'@SUM(1)"  # a spreadsheet shows it as text instead of running it
    assert client_as(make_user(Role.PM)).get("/audit/").status_code == 403


def test_nav_offers_the_audit_log_to_legal_only(client_as, make_user):
    assert 'href="/audit/"' in client_as(make_user(Role.LEGAL)).get("/").content.decode()
    assert 'href="/audit/"' not in client_as(make_user(Role.PM)).get("/").content.decode()


def test_audit_page_and_api_have_flat_query_counts(client_as, api, make_user):
    legal = make_user(Role.LEGAL)
    owner = make_user(Role.PIPELINE)
    page_client, api_client = client_as(legal), api(legal)

    def grow(n: int) -> None:
        for i in range(n):
            token, _ = api_token_create(user=owner, name=f"t{i}")
            audit_record(actor=owner, target=token, action="api_token.create")

    def fetch() -> None:
        assert page_client.get("/audit/").status_code == 200
        assert api_client.get("/api/v1/audit/").status_code == 200

    assert_flat_queries(fetch, grow)


def test_audit_record_refuses_a_missing_actor_and_odd_verbs(make_user):
    user = make_user(Role.PM)
    with pytest.raises(TypeError, match="SYSTEM"):
        audit_record(actor=None, target=user, action="user.update")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"<entity>\.<verb>"):
        audit_record(actor=user, target=user, action="updated")
    assert not AuditEvent.objects.exists()


def test_date_filters_take_plain_dates(api, make_user, history):
    from django.utils import timezone

    client = api(make_user(Role.LEGAL))
    today = timezone.localdate().isoformat()
    assert client.get(f"/api/v1/audit/?since={today}&until={today}").json()["count"] >= 3
    assert client.get("/api/v1/audit/?until=2000-01-01").json()["count"] == 0
