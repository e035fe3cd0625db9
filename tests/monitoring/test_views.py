"""The outputs pages, the dashboard cards and the guard's readiness."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.breaker import guard_breaker_failure
from monitoring.models import GuardScan, ModelOutput
from monitoring.review.services.routing import review_item_route
from tests.monitoring.factories import ModelOutputFactory, published_policy
from tests.review.factories import output_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def outputs():
    version = published_policy()
    unsafe = ModelOutputFactory(project="support-bot", model="llama-3-8b", external_id="bad-1")
    GuardScan.objects.create(
        output=unsafe,
        policy_version=version,
        verdict="unsafe",
        categories=["S2"],
        p_unsafe=0.97,
        guard_model="meta-llama/Llama-Guard-3-1B",
        prompt="<|begin_of_text|>Task: Check if there is unsafe content in 'Agent' messages",
    )
    review_item_route(output=output_record(unsafe), reasons=["unsafe"])
    safe = ModelOutputFactory(project="search", model="qwen-7b", external_id="ok-1")
    GuardScan.objects.create(output=safe, policy_version=version, verdict="safe", p_unsafe=0.01)
    pending = ModelOutputFactory(project="search", model="qwen-7b", external_id="new-1")
    return unsafe, safe, pending


def test_monitoring_index_lists_outputs_with_verdicts(client_as, pm, outputs, settings):
    settings.GUARD_MODEL = ""
    response = client_as(pm).get("/monitoring/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Guard not configured: every output goes to human review" in html
    assert "published version of the policy whose slug equals the output" in html
    for external_id in ("bad-1", "ok-1", "new-1"):
        assert f'data-output="{external_id}"' in html
    assert 'data-verdict="unsafe"' in html and "0.970" in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("verdict=unsafe", {"bad-1"}),
        ("verdict=pending", {"new-1"}),
        ("project=search", {"ok-1", "new-1"}),
        ("model=llama-3-8b", {"bad-1"}),
        ("category=S2", {"bad-1"}),
        ("received_from=2000-01-01&received_to=2000-01-02", set()),
    ],
)
def test_filters(client_as, legal, outputs, query, shown):
    html = client_as(legal).get(f"/monitoring/?{query}").content.decode()
    listed = {eid for eid in ("bad-1", "ok-1", "new-1") if f'data-output="{eid}"' in html}
    assert listed == shown
    if not shown:
        assert "Nothing matches these filters." in html


def test_htmx_filter_returns_only_the_table(client_as, pm, outputs):
    response = client_as(pm).get(
        "/monitoring/?verdict=safe", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="outputs"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="outputs"')
    assert 'data-output="ok-1"' in html and "<h1>" not in html


def test_pagination(client_as, pm):
    ModelOutputFactory.create_batch(55)
    html = client_as(pm).get("/monitoring/?page=2").content.decode()
    assert "Page 2 of 2" in html and html.count("data-output=") == 5


def test_output_detail_shows_conversation_verdict_prompt_and_history(client_as, pm, outputs):
    unsafe = outputs[0]
    html = client_as(pm).get(f"/monitoring/outputs/{unsafe.pk}/").content.decode()
    assert "Open Settings, then Security" in html
    assert 'data-verdict="unsafe"' in html and "0.9700" in html and "S2" in html
    assert "Task: Check if there is unsafe content in &#x27;Agent&#x27; messages" in html
    assert "Exact prompt the guard read" in html
    assert "History" in html and "unsafe" in html


def test_empty_state_and_roles(client_as, make_user, annotator, pm):
    assert "No outputs yet" in client_as(pm).get("/monitoring/").content.decode()
    assert client_as(annotator).get("/monitoring/").status_code == 403


def test_unknown_output_is_404(client_as, pm):
    assert client_as(pm).get("/monitoring/outputs/999999/").status_code == 404


def test_dashboard_and_readyz_show_the_breaker(client_as, pm, settings, client):
    settings.GUARD_MODEL = "/models/guard"
    settings.GUARD_BREAKER_THRESHOLD = 1
    home = client_as(pm).get("/").content.decode()
    assert 'data-card="Guard"' in home and "breaker closed" in home
    guard_breaker_failure("OSError: not a model directory")
    home = client_as(pm).get("/").content.decode()
    assert "Circuit open after 1 failures" in home
    page = client_as(pm).get("/monitoring/").content.decode()
    assert "circuit breaker open" in page and "not a model directory" in page
    ready = client.get("/readyz").json()
    assert ready["guard"].startswith("circuit open after 1 failures")


def test_readyz_guard_entry_when_not_configured(client, settings):
    settings.GUARD_MODEL = ""
    assert client.get("/readyz").json()["guard"] == (
        "not configured: every output goes to human review"
    )


def test_output_history_records_each_scan(client_as, pm, settings):
    settings.GUARD_MODEL = ""
    published_policy()
    output = ModelOutputFactory()
    from monitoring.services.scans import guard_scan_batch

    guard_scan_batch(output_ids=[output.pk])
    html = client_as(pm).get(f"/monitoring/outputs/{output.pk}/").content.decode()
    assert "scanned" in html and "to review: guard_unavailable" in html
    assert "No prompt: the guard did not run for this scan." in html


def test_demo_outputs_load_once():
    from monitoring.demo import load_demo

    load_demo(io.StringIO())
    load_demo(io.StringIO())
    assert ModelOutput.objects.filter(metadata__source="demo").count() == 8


def test_verdict_and_category_filters_go_by_the_latest_scan(client_as, pm):
    version = published_policy()
    output = ModelOutputFactory(external_id="rescanned")
    GuardScan.objects.create(
        output=output,
        policy_version=None,
        verdict="error",
        error="no published policy",
        created_at=timezone.now() - timedelta(hours=1),
    )
    GuardScan.objects.create(
        output=output, policy_version=version, verdict="unsafe", categories=["S2"]
    )
    client = client_as(pm)

    def listed(query: str) -> bool:
        return 'data-output="rescanned"' in client.get(f"/monitoring/?{query}").content.decode()

    assert listed("verdict=unsafe") and listed("category=S2")
    assert not listed("verdict=error")
    GuardScan.objects.filter(policy_version=version).update(
        verdict="safe", categories=[], created_at=timezone.now() - timedelta(hours=2)
    )
    assert listed("verdict=error")
    assert not listed("verdict=safe") and not listed("category=S2")


def test_a_blank_guard_model_setting_shows_as_not_configured(client_as, pm, client, settings):
    settings.GUARD_MODEL = "   "
    page = client_as(pm).get("/monitoring/").content.decode()
    assert "Guard not configured: every output goes to human review" in page
    assert client.get("/readyz").json()["guard"].startswith("not configured")
