"""The governance REST API: datasets with verdicts, workflow actions, imports, mixes, roles."""

import pytest

from governance.models import Dataset, License, ReviewStatus, TrainingMix
from tests.governance.factories import DatasetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("license_catalog")]

VERDICT_KEYS = {
    "commercial_use",
    "attribution_required",
    "attribution_lines",
    "share_alike",
    "no_derivatives",
    "needs_legal_review",
    "reasons",
    "licenses",
}


def test_create_dataset_returns_its_verdict(api, pm):
    response = api(pm).post(
        "/api/v1/datasets/",
        {
            "name": "LAION-5B",
            "license_expression": "cc-by-4.0",
            "contains_faces": True,
            "web_crawled": True,
            "languages": ["en"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["license_expression"] == "CC-BY-4.0"
    assert body["status"] == "draft"
    assert set(body["verdict"]) >= VERDICT_KEYS
    assert body["verdict"]["commercial_use"] == "allowed"
    assert body["verdict"]["needs_legal_review"] is True
    assert any("portrait" in reason for reason in body["verdict"]["reasons"])


def test_invalid_expression_is_a_400_naming_the_symbol_and_saves_nothing(api, pm):
    response = api(pm).post(
        "/api/v1/datasets/", {"name": "Bad", "license_expression": "MIT OR GPL-9.0"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert "GPL-9.0" in body["detail"]
    assert "license_expression" in body["fields"]
    assert not Dataset.objects.filter(name="Bad").exists()


def test_every_list_item_carries_a_verdict_and_filters_work(api, legal):
    DatasetFactory(name="NC", license_expression="CC-BY-NC-4.0")
    DatasetFactory(name="Free", license_expression="CC0-1.0")
    client = api(legal)
    items = client.get("/api/v1/datasets/").json()["results"]
    assert {item["name"]: item["verdict"]["commercial_use"] for item in items} == {
        "NC": "not_allowed",
        "Free": "allowed",
    }
    filtered = client.get("/api/v1/datasets/?commercial_use=not_allowed").json()["results"]
    assert [item["name"] for item in filtered] == ["NC"]


def test_update_reverts_decision_and_recomputes_verdict(api, pm):
    dataset = DatasetFactory(status=ReviewStatus.APPROVED, license_expression="MIT")
    response = api(pm).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"license_expression": "CC-BY-NC-SA-4.0"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert response.json()["verdict"]["commercial_use"] == "not_allowed"


def test_submit_approve_reject_and_roles(api, pm, legal, annotator):
    dataset = DatasetFactory()
    assert api(annotator).get("/api/v1/datasets/").status_code == 403
    assert api(pm).post(f"/api/v1/datasets/{dataset.pk}/submit/").json()["status"] == "in_review"
    denied = api(pm).post(f"/api/v1/datasets/{dataset.pk}/approve/")
    assert denied.status_code == 403
    assert "Legal" in denied.json()["detail"]
    assert api(pm).post(f"/api/v1/datasets/{dataset.pk}/reject/", {"note": "x"}).status_code == 403
    approved = api(legal).post(
        f"/api/v1/datasets/{dataset.pk}/approve/", {"conditions": "Research only"}
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved_with_conditions"
    assert approved.json()["reviewer"] == "legal_user"
    again = api(legal).post(f"/api/v1/datasets/{dataset.pk}/approve/")
    assert again.status_code == 409


def test_reject_requires_a_note(api, legal):
    dataset = DatasetFactory(status=ReviewStatus.IN_REVIEW)
    response = api(legal).post(f"/api/v1/datasets/{dataset.pk}/reject/", {})
    assert response.status_code == 400
    assert (
        api(legal).post(f"/api/v1/datasets/{dataset.pk}/reject/", {"note": "No."}).json()["status"]
        == "rejected"
    )


def test_import_card(api, pm):
    card = "---\npretty_name: Dolly\nlicense: cc-by-sa-3.0\nlanguage: [en]\n---\n"
    response = api(pm).post(
        "/api/v1/datasets/import-card/", {"card": card, "hub_id": "databricks/dolly"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Dolly" and body["license_expression"] == "CC-BY-SA-3.0"
    assert body["hub_id"] == "databricks/dolly" and body["status"] == "draft"
    assert api(pm).post("/api/v1/datasets/import-card/", {"card": "nope"}).status_code == 400


def test_csv_import_reports_bad_rows_and_export(api, pm):
    bad = api(pm).post(
        "/api/v1/datasets/import-csv/", {"csv": "name,license_expression\nA,MIT\nB,NOPE\n"}
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_rows"
    assert bad.json()["rows"][0]["line"] == 3
    assert Dataset.objects.count() == 0
    ok = api(pm).post("/api/v1/datasets/import-csv/", {"csv": "name,license_expression\nA,MIT\n"})
    assert ok.json() == {"created": 1, "updated": 0}
    export = api(pm).get("/api/v1/datasets/export/")
    assert export["Content-Type"].startswith("text/csv")
    assert "A,,,,MIT" in export.content.decode()


def test_training_mix_api(api, pm, legal):
    sa = DatasetFactory(
        name="Wiki", license_expression="CC-BY-SA-3.0", status=ReviewStatus.APPROVED
    )
    gpl = DatasetFactory(
        name="Code", license_expression="GPL-3.0-only", status=ReviewStatus.APPROVED
    )
    client = api(pm)
    response = client.post(
        "/api/v1/training-mixes/",
        {
            "name": "SFT",
            "components": [{"dataset": sa.pk, "weight": 3}, {"dataset": gpl.pk, "weight": 1}],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["verdict"]["share_alike"] is True
    assert body["verdict"]["shares"] == {"Wiki": 0.75, "Code": 0.25}
    assert len(body["conflicts"]) == 1 and "Incompatible" in body["conflicts"][0]
    assert body["blockers"][0] == "Training mix 'SFT' has not been submitted for legal review."
    mix_id = body["id"]
    patched = client.patch(
        f"/api/v1/training-mixes/{mix_id}/", {"components": [{"dataset": sa.pk, "weight": 1}]}
    )
    assert patched.json()["conflicts"] == []
    notice = client.get(f"/api/v1/training-mixes/{mix_id}/notice/")
    assert notice.status_code == 200
    assert notice["Content-Type"].startswith("text/markdown")
    assert "Wiki" in notice.content.decode() and "CC-BY-SA-3.0" in notice.content.decode()
    assert client.post(f"/api/v1/training-mixes/{mix_id}/submit/").json()["status"] == "in_review"
    assert client.post(f"/api/v1/training-mixes/{mix_id}/approve/").status_code == 403
    approved = api(legal).post(f"/api/v1/training-mixes/{mix_id}/approve/", {"note": "ok"})
    assert approved.json()["status"] == "approved"
    assert approved.json()["blockers"] == []
    assert TrainingMix.objects.get(pk=mix_id).reviewer == legal


def test_mix_approval_refused_with_blockers(api, pm, legal):
    draft = DatasetFactory(name="Draft one")
    mix = (
        api(pm)
        .post(
            "/api/v1/training-mixes/",
            {"name": "M", "components": [{"dataset": draft.pk, "weight": 1}]},
        )
        .json()
    )
    api(pm).post(f"/api/v1/training-mixes/{mix['id']}/submit/")
    response = api(legal).post(f"/api/v1/training-mixes/{mix['id']}/approve/")
    assert response.status_code == 409
    assert response.json()["blockers"] == [
        "Dataset 'Draft one' in the mix is not approved yet (draft)."
    ]


def test_license_catalog_and_override(api, pm, legal):
    client = api(pm)
    listed = client.get("/api/v1/licenses/?search=CC-BY-NC-4.0").json()["results"]
    assert listed[0]["spdx_id"] == "CC-BY-NC-4.0" and listed[0]["use_class"] == "non_commercial"
    detail = client.get("/api/v1/licenses/LicenseRef-openai-terms/")
    assert detail.status_code == 200 and detail.json()["needs_legal_review"] is True
    assert client.get("/api/v1/licenses/NOT-A-LICENSE/").status_code == 404
    assert (
        client.post(
            "/api/v1/licenses/MIT/override/", {"needs_legal_review": True, "reason": "x"}
        ).status_code
        == 403
    )
    response = api(legal).post(
        "/api/v1/licenses/ODbL-1.0/override/",
        {"needs_legal_review": True, "reason": "Check DB rights."},
    )
    assert response.status_code == 200
    assert response.json()["overridden_by"] == "legal_user"
    assert License.objects.get(spdx_id="ODbL-1.0").needs_legal_review


def test_schema_documents_the_governance_endpoints(api, pm):
    paths = api(pm).get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert "/api/v1/datasets/{id}/approve/" in paths
    assert "/api/v1/datasets/import-card/" in paths
    assert "/api/v1/training-mixes/{id}/notice/" in paths
