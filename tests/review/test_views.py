"""Pages: who sees what, the queue fragment, dashboards with CSV, adjudication."""

import csv
import io

import pytest

from core.roles import Role
from monitoring.review.models import ReviewItem
from monitoring.review.services.claims import review_claim
from monitoring.review.services.labels import review_submit
from monitoring.review.services.rollups import rollups_refresh
from tests.review.factories import GuardScanFactory, ReviewItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "allowed", "denied"),
    [
        ("/monitoring/review/", ["annotator", "legal"], ["pm", "pipeline"]),
        ("/monitoring/review/dashboard/", ["pm", "legal"], ["annotator", "pipeline"]),
        ("/monitoring/review/alerts/", ["pm", "legal"], ["annotator"]),
        ("/monitoring/review/adjudication/", ["legal"], ["pm", "annotator"]),
    ],
)
def test_pages_follow_the_access_rules(request, client_as, url, allowed, denied):
    for name in allowed:
        assert client_as(request.getfixturevalue(name)).get(url).status_code == 200
    for name in denied:
        assert client_as(request.getfixturevalue(name)).get(url).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/monitoring/review/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_queue_fragment_submits_and_returns_the_next_item(client_as, annotator):
    first, second = ReviewItemFactory(priority=20), ReviewItemFactory(priority=10)
    client = client_as(annotator)
    page = client.get("/monitoring/review/")
    assert f'data-item-id="{first.pk}"'.encode() in page.content
    response = client.post(
        f"/monitoring/review/items/{first.pk}/submit/",
        {"verdict": "safe", "helpful": "4", "faithful": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert b"<html" not in response.content  # just the fragment
    assert f'data-item-id="{second.pk}"'.encode() in response.content
    first.refresh_from_db()
    assert first.final_verdict == "safe"


def test_queue_keeps_the_item_when_the_label_is_invalid(client_as, annotator):
    item = ReviewItemFactory()
    client = client_as(annotator)
    client.get("/monitoring/review/")
    response = client.post(
        f"/monitoring/review/items/{item.pk}/submit/", {}, HTTP_HX_REQUEST="true"
    )
    assert b"The verdict must be safe or unsafe." in response.content
    assert f'data-item-id="{item.pk}"'.encode() in response.content


def test_guard_verdict_shown_only_when_the_project_chooses(client_as, annotator):
    from monitoring.review.models import SamplingRule

    item = ReviewItemFactory(reasons=["unsafe"])
    GuardScanFactory(output=item.output, verdict="unsafe")
    client = client_as(annotator)
    assert b"guard:" not in client.get("/monitoring/review/").content
    SamplingRule.objects.create(project=item.project, show_guard_verdict=True)
    assert b"guard:" in client.get("/monitoring/review/").content


def two_reviews(make_user, item, verdicts):
    for verdict in verdicts:
        user = make_user(Role.ANNOTATOR)
        lease = review_claim(actor=user)
        assert lease.item_id == item.pk
        review_submit(actor=user, item_id=item.pk, verdict=verdict)


def test_dashboard_shows_agreement_and_exports_csv(client_as, pm, make_user):
    for verdicts in [("safe", "safe"), ("unsafe", "unsafe"), ("safe", "unsafe"), ("safe", "safe")]:
        item = ReviewItemFactory(required_reviews=2)
        GuardScanFactory(output=item.output, verdict="unsafe")
        two_reviews(make_user, item, verdicts)
    rollups_refresh()
    client = client_as(pm)
    page = client.get("/monitoring/review/dashboard/")
    assert b"Cohen&#x27;s kappa" in page.content
    assert b"chart.umd.min.js" in page.content
    response = client.get("/monitoring/review/dashboard/?export=agreement")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    kappa = next(r for r in rows if r["measure"] == "Cohen's kappa")
    assert float(kappa["value"]) == pytest.approx(0.5)  # 3 of 4 agree, p_e = 0.5
    assert kappa["n"] == "4"
    quality = client.get("/monitoring/review/dashboard/?export=guard_quality").content.decode()
    assert quality.splitlines()[0] == "category,tp,fp,fn,tn,precision,recall"
    assert "overall,1,2,0,0" in quality  # 3 settled (1 unsafe), 1 waits for adjudication


def test_adjudication_page_settles_the_item(client_as, legal, make_user):
    item = ReviewItemFactory(required_reviews=2)
    two_reviews(make_user, item, ["safe", "unsafe"])
    client = client_as(legal)
    assert f"#{item.pk}".encode() in client.get("/monitoring/review/adjudication/").content
    client.post(f"/monitoring/review/adjudication/{item.pk}/", {"verdict": "unsafe"})
    item.refresh_from_db()
    assert (item.status, item.final_source) == (ReviewItem.Status.DONE, "adjudication")


def test_home_cards(client_as, annotator, legal):
    ReviewItemFactory()
    assert b"Waiting for review" in client_as(annotator).get("/").content
    content = client_as(legal).get("/").content
    assert b"Review backlog" in content and b"Disagreements" in content


def test_pm_configures_sampling_and_alert_rules(client_as, pm, annotator):
    from core.selectors import audit_history
    from monitoring.review.models import AlertRule, SamplingRule

    client = client_as(annotator)
    assert client.get("/monitoring/review/rules/sampling/new/").status_code == 403
    client = client_as(pm)
    bad = client.post(
        "/monitoring/review/rules/sampling/new/",
        {
            "project": "bot",
            "random_rate": "1.5",
            "daily_cap": "10",
            "low_confidence_min": "0.4",
            "low_confidence_max": "0.6",
            "double_review_rate": "0.1",
            "enabled": "on",
        },
    )
    assert b"Use a value between 0 and 1." in bad.content
    fields = {
        "project": "bot",
        "random_rate": "0.05",
        "daily_cap": "10",
        "low_confidence_min": "0.4",
        "low_confidence_max": "0.6",
        "double_review_rate": "0.1",
        "enabled": "on",
    }
    client.post("/monitoring/review/rules/sampling/new/", fields)
    rule = SamplingRule.objects.get(project="bot")
    client.post(f"/monitoring/review/rules/sampling/{rule.pk}/", fields | {"daily_cap": "50"})
    rule.refresh_from_db()
    assert rule.daily_cap == 50
    update = audit_history(rule).filter(action="sampling_rule.update").get()
    assert update.changes["daily_cap"] == [10, 50]
    client.post(
        "/monitoring/review/rules/alerts/new/",
        {
            "name": "Backlog",
            "kind": "backlog",
            "threshold": "100",
            "window_minutes": "60",
            "notify_in_app": "on",
        },
    )
    assert AlertRule.objects.get().name == "Backlog"
    assert b"Backlog" in client.get("/monitoring/review/rules/").content


def test_unknown_rule_kind_is_not_found(client_as, pm):
    client = client_as(pm)
    assert client.get("/monitoring/review/rules/bogus/new/").status_code == 404
    assert client.get("/monitoring/review/rules/bogus/1/").status_code == 404


def test_a_nul_byte_in_the_query_is_a_clear_400_not_a_server_error(client_as, pm):
    client = client_as(pm)
    for url in (
        "/monitoring/review/dashboard/?project=a%00b",
        "/monitoring/review/dashboard/?project=%00&export=throughput",
        "/monitoring/review/alerts/?status=%00",
        "/monitoring/review/alerts/?status=%00&export=csv",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "NUL character" in response.content.decode()


def test_open_items_do_not_reveal_earlier_labels_on_the_adjudication_page(
    client_as, legal, annotator
):
    item = ReviewItemFactory(required_reviews=2)
    lease = review_claim(actor=annotator)
    review_submit(actor=annotator, item_id=lease.item_id, verdict="unsafe", notes="first-label")
    client = client_as(legal)
    response = client.get(f"/monitoring/review/adjudication/{item.pk}/")
    assert response.status_code == 404
    assert b"first-label" not in response.content
    # Legal still reviews it blind from the queue.
    queue = client.get("/monitoring/review/")
    assert f'data-item-id="{item.pk}"'.encode() in queue.content
    assert b"first-label" not in queue.content


def test_csv_exports_do_not_hand_formulas_to_spreadsheets(client_as, pm):
    from monitoring.review.models import AlertRule
    from monitoring.review.services.alerts import alert_rule_evaluate
    from monitoring.review.services.rollups import rollups_rebuild

    GuardScanFactory(output__model_version="=1+1")
    rollups_rebuild()
    rule = AlertRule.objects.create(name="=cmd|' /C calc'!A0", kind="backlog", threshold=-1)
    alert_rule_evaluate(rule=rule)
    client = client_as(pm)
    alerts = client.get("/monitoring/review/alerts/?export=csv").content.decode()
    assert "'=cmd|" in alerts and ",=cmd" not in alerts
    series = client.get("/monitoring/review/dashboard/?export=unsafe_rate").content.decode()
    assert ",'=1+1," in series


def test_rule_save_takes_plain_values_and_checks_them_itself(pm, annotator):
    from core.errors import InvalidInput, PermissionDenied
    from monitoring.review.models import SamplingRule
    from monitoring.review.services.rules import rule_save

    with pytest.raises(PermissionDenied):
        rule_save(kind="sampling", rule_id=None, values={"project": "bot"}, actor=annotator)
    with pytest.raises(InvalidInput) as problem:
        rule_save(
            kind="sampling",
            rule_id=None,
            values={"project": "bot", "low_confidence_min": 0.7, "low_confidence_max": 0.2},
            actor=pm,
        )
    assert "low_confidence_max" in problem.value.fields
    rule = rule_save(kind="sampling", rule_id=None, values={"project": "bot"}, actor=pm)
    assert SamplingRule.objects.get(pk=rule.pk).project == "bot"


def test_review_demo_rules_load_once():
    from monitoring.review.demo import load_demo
    from monitoring.review.models import AlertRule, SamplingRule

    load_demo(io.StringIO())
    load_demo(io.StringIO())
    assert SamplingRule.objects.count() == 1 and AlertRule.objects.count() == 5
