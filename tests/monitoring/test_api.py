"""The outputs API: push one or many, read back with the latest scan, limits and roles."""

import json

import pytest

from monitoring.models import GuardScan, ModelOutput
from tests.monitoring.factories import ModelOutputFactory, item

pytestmark = pytest.mark.django_db

BULK = "/api/v1/outputs/bulk/"


def test_pipeline_pushes_one_output_and_a_resend_returns_the_same(api, pipeline):
    client = api(pipeline)
    first = client.post("/api/v1/outputs/", item(1), format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["external_id"] == "ext-1" and body["latest_scan"] is None
    again = client.post("/api/v1/outputs/", item(1), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert ModelOutput.objects.count() == 1


def test_a_bad_single_item_is_a_400_naming_the_field(api, pipeline):
    response = api(pipeline).post(
        "/api/v1/outputs/", item(1, conversation=[{"role": "bot", "content": "x"}]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("conversation[0].role: must be 'user'")
    assert not ModelOutput.objects.exists()


def test_bulk_answers_per_item_and_saves_only_the_valid_ones(api, pipeline):
    ModelOutputFactory(project="support-bot", external_id="ext-old")
    items = [
        item(1),
        item(2, conversation=[]),
        item(3, conversation=[{"role": "user", "content": "nul\x00byte"}]),
        item("old"),
        item(4, conversation=[{"role": "robot", "content": "hi"}]),
        item(5, external_id="e" * 300),
        item(1),
        item(6),
        "not an object",
    ]
    response = api(pipeline).post(BULK, {"items": items}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == [
        "created",
        "error",
        "error",
        "duplicate",
        "error",
        "error",
        "duplicate",
        "created",
        "error",
    ]
    assert (body["created"], body["duplicates"], body["errors"]) == (2, 2, 5)
    results = body["results"]
    assert results[1]["error"] == "conversation: must have at least one turn"
    assert "NUL byte" in results[2]["error"]
    assert results[3]["id"] == ModelOutput.objects.get(external_id="ext-old").id
    assert results[6]["id"] == results[0]["id"]
    assert "external_id: longer than 200" in results[5]["error"]
    stored = set(ModelOutput.objects.values_list("external_id", flat=True))
    assert stored == {"ext-old", "ext-1", "ext-6"}
    saved = ModelOutput.objects.get(external_id="ext-6")
    assert saved.conversation == item(6)["conversation"]
    assert saved.metadata == {"trace": "t-6"}
    assert len(saved.conversation_sha256) == 64


def test_bulk_accepts_a_plain_list_too(api, pipeline):
    response = api(pipeline).post(BULK, [item(1), item(2)], format="json")
    assert response.json()["created"] == 2


def test_more_than_1000_items_is_413_and_nothing_is_saved(api, pipeline):
    items = [item(n) for n in range(1001)]
    response = api(pipeline).post(BULK, {"items": items}, format="json")
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert not ModelOutput.objects.exists()


def test_a_body_over_5_mb_is_413(api, pipeline):
    big = item(1, metadata={"blob": "x" * (5 * 1024 * 1024)})
    response = api(pipeline).post(
        BULK, json.dumps({"items": [big]}), content_type="application/json"
    )
    assert response.status_code == 413
    assert not ModelOutput.objects.exists()


def test_a_body_just_under_5_mb_is_accepted(api, pipeline):
    content = "y" * 150_000
    items = [item(n, conversation=[{"role": "assistant", "content": content}]) for n in range(30)]
    payload = json.dumps({"items": items})
    assert 4 * 1024 * 1024 < len(payload) < 5 * 1024 * 1024
    response = api(pipeline).post(BULK, payload, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["created"] == 30


def test_only_pipelines_push(api, pm, annotator):
    assert api(pm).post(BULK, [item(1)], format="json").status_code == 403
    assert api(annotator).post("/api/v1/outputs/", item(1), format="json").status_code == 403
    assert api().post(BULK, [item(1)], format="json").status_code == 401
    assert not ModelOutput.objects.exists()


def test_read_back_with_latest_scan_for_pipeline_pm_and_legal(api, pipeline, pm, legal, annotator):
    output = ModelOutputFactory()
    GuardScan.objects.create(output=output, verdict="unsafe", categories=["S1"], p_unsafe=0.93)
    for user in (pipeline, pm, legal):
        response = api(user).get(f"/api/v1/outputs/{output.id}/")
        assert response.status_code == 200
        scan = response.json()["latest_scan"]
        assert (scan["verdict"], scan["categories"], scan["p_unsafe"]) == ("unsafe", ["S1"], 0.93)
    assert api(annotator).get(f"/api/v1/outputs/{output.id}/").status_code == 403


def test_list_filters_by_verdict_and_category(api, pm):
    unsafe = ModelOutputFactory()
    GuardScan.objects.create(output=unsafe, verdict="unsafe", categories=["S2"])
    safe = ModelOutputFactory()
    GuardScan.objects.create(output=safe, verdict="safe")
    ModelOutputFactory(project="other")
    client = api(pm)
    ids = lambda q: [o["id"] for o in client.get(f"/api/v1/outputs/?{q}").json()["results"]]  # noqa: E731
    assert ids("verdict=unsafe") == [unsafe.id]
    assert ids("category=s2") == [unsafe.id]
    assert ids("verdict=safe") == [safe.id]
    assert len(ids("project=support-bot")) == 2


def test_an_empty_bulk_push_stores_nothing(api, pipeline):
    response = api(pipeline).post(BULK, {"items": []}, format="json")
    assert response.json() == {"created": 0, "duplicates": 0, "errors": 0, "results": []}


def test_a_body_that_is_not_json_is_a_400(api, pipeline):
    response = api(pipeline).post(BULK, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_deeply_nested_body_is_a_400_not_a_server_error(api, pipeline):
    body = "[" * 5000 + "]" * 5000
    response = api(pipeline).post(BULK, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
    assert not ModelOutput.objects.exists()


def test_an_item_whose_key_is_not_valid_unicode_gets_its_own_error(api, pipeline):
    # A lone surrogate survives JSON parsing but cannot be written back as UTF-8.
    bad = json.dumps(item(1)).replace('"ext-1"', '"\\ud800"')
    body = '{"items": [' + json.dumps(item(2)) + ", " + bad + "]}"
    response = api(pipeline).post(BULK, data=body, content_type="application/json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error"]
    assert results[1]["external_id"] is None
    assert "not valid Unicode" in results[1]["error"]
    assert set(ModelOutput.objects.values_list("external_id", flat=True)) == {"ext-2"}


def test_an_out_of_range_number_in_metadata_is_refused_not_stored_as_null(api, pipeline):
    body = json.dumps({"items": [item(1), item(2)]}).replace('"t-2"', "1e999")
    response = api(pipeline).post(BULK, data=body, content_type="application/json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error"]
    assert results[1]["error"] == "metadata.trace: not a finite number"
    assert set(ModelOutput.objects.values_list("external_id", flat=True)) == {"ext-1"}


def test_an_integer_too_big_to_store_exactly_is_refused_not_rounded(api, pipeline):
    body = json.dumps({"items": [item(1), item(2)]}).replace('"t-2"', "123456789012345678901234")
    response = api(pipeline).post(BULK, data=body, content_type="application/json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error"]
    assert "metadata: cannot be stored as JSON" in results[1]["error"]
    assert set(ModelOutput.objects.values_list("external_id", flat=True)) == {"ext-1"}
