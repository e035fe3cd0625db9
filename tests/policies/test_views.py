"""Policy pages: list, detail, version editor (htmx), preview, diff, attestation, dashboard."""

import datetime
import io

import pytest
from django.utils import timezone

from core.dashboard import dashboard_cards
from governance.policies import demo, selectors
from governance.policies.models import Policy
from tests.policies.factories import policy_with_version

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
TABLE = {**HTMX, "HTTP_HX_TARGET": "results"}


def test_list_shows_status_and_stale_badges(client_as, legal):
    policy = policy_with_version(legal, publish=True)
    Policy.objects.filter(pk=policy.pk).update(
        next_review_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client_as(legal).get("/governance/policies/")
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1>") == 1
    assert "Support bot" in html and "Published" in html and "stale" in html
    fragment = client_as(legal).get("/governance/policies/?q=nothing-like-this", **TABLE)
    assert "<h1>" not in fragment.content.decode()
    assert 'id="results"' in fragment.content.decode()
    assert "Nothing matches these filters" in fragment.content.decode()
    overdue = client_as(legal).get("/governance/policies/?review=overdue").content.decode()
    assert "Support bot" in overdue and "Default (Llama Guard 3)" not in overdue


def test_annotators_get_403_on_the_list_but_can_read_and_attest(client_as, annotator, legal):
    policy = policy_with_version(legal, publish=True)
    client = client_as(annotator)
    assert client.get("/governance/policies/").status_code == 403
    page = client.get(f"/governance/policies/{policy.pk}/published/").content.decode()
    assert "Never give dosage advice." in page and "I have read version 1" in page
    response = client.post(f"/governance/policies/{policy.pk}/attest/", **HTMX)
    assert "You confirmed version 1" in response.content.decode()
    assert selectors.user_attestation(annotator, policy) is not None


def test_create_from_the_page_then_edit_inline(client_as, legal):
    client = client_as(legal)
    response = client.post("/governance/policies/new/", {"name": "Kids tutor"})
    policy = Policy.objects.get(name="Kids tutor")
    assert response.url == f"/governance/policies/{policy.pk}/v1/"
    base = f"/governance/policies/{policy.pk}/v1/"
    html = client.post(
        base + "categories/",
        {
            "code": "K1",
            "name": "Homework Answers",
            "description": "Hints only",
            "action": "log",
            "enabled": "on",
        },
        **HTMX,
    ).content.decode()
    assert 'data-code="K1"' in html and "<h1>" not in html
    html = client.post(base + "categories/", {"code": "K1", "name": "Twice"}, **HTMX)
    assert "Category code K1 is used twice." in html.content.decode()
    client.post(base + "categories/K1/move/up/", **HTMX)
    codes = [c.code for c in selectors.policy_latest_version(policy).categories.all()]
    assert codes[-2:] == ["K1", "S14"]
    client.post(
        base + "categories/K1/",
        {"code": "K1", "name": "Homework Answers", "action": "block", "description": "No"},
        **HTMX,
    )
    category = selectors.policy_latest_version(policy).categories.get(code="K1")
    assert category.action == "block" and not category.enabled
    client.post(
        base + "exceptions/", {"scope": "teachers", "code": "K1", "reason": "Staff"}, **HTMX
    )
    assert selectors.policy_latest_version(policy).exceptions.get().scope == "teachers"
    client.post(base + "categories/K1/remove/", **HTMX)
    assert not selectors.policy_latest_version(policy).categories.filter(code="K1").exists()


def test_published_version_page_is_read_only(client_as, legal):
    policy = policy_with_version(legal, publish=True)
    client = client_as(legal)
    html = client.get(f"/governance/policies/{policy.pk}/v1/").content.decode()
    assert "cannot change" in html and "Add category" not in html
    response = client.post(
        f"/governance/policies/{policy.pk}/v1/categories/", {"code": "C9", "name": "X"}, **HTMX
    )
    assert "published and cannot change" in response.content.decode()


def test_preview_shows_the_exact_prompt(client_as, pm):
    policy = Policy.objects.get(slug="default")
    response = client_as(pm).post(
        f"/governance/policies/{policy.pk}/v1/preview/",
        {"user_message": "Hi", "assistant_message": "Hello!", "role": "Agent"},
        **HTMX,
    )
    html = response.content.decode()
    assert "S13: Elections." in html and "S14" not in html
    assert "User: Hi\n\nAgent: Hello!\n\n&lt;END CONVERSATION&gt;" in html


def test_workflow_buttons_and_diff_page(client_as, legal, pm):
    policy = policy_with_version(legal, publish=True)
    client = client_as(legal)
    response = client.post(f"/governance/policies/{policy.pk}/draft/")
    assert response.url == f"/governance/policies/{policy.pk}/v2/"
    client.post(f"/governance/policies/{policy.pk}/v2/categories/C1/remove/")
    for verb in ("submit", "approve", "publish"):
        client.post(f"/governance/policies/{policy.pk}/transition/{verb}/", {"note": "ok"})
    assert selectors.policy_published_version(policy).number == 2
    html = client.get(f"/governance/policies/{policy.pk}/diff/?from=1&to=2").content.decode()
    assert "Removed" in html and "C1: Competitor Pricing" in html
    detail = client_as(pm).get(f"/governance/policies/{policy.pk}/").content.decode()
    assert "Publish v" not in detail and "I have read version 2" in detail
    response = client_as(pm).post(f"/governance/policies/{policy.pk}/transition/retire/")
    assert response.status_code == 403


def test_legal_sees_who_has_and_has_not_attested(client_as, legal, pm, annotator):
    policy = policy_with_version(legal, publish=True)
    client_as(pm).post(f"/governance/policies/{policy.pk}/attest/")
    html = client_as(legal).get(f"/governance/policies/{policy.pk}/").content.decode()
    confirmed, pending = html.split('data-testid="attested-list"')[1].split("Not yet", 1)
    assert "pm_user" in confirmed and "annotator_user" not in confirmed
    assert "annotator_user" in pending and "legal_user" in pending


def test_dashboard_cards(legal, annotator, pipeline):
    policy = policy_with_version(legal, publish=True)
    Policy.objects.filter(pk=policy.pk).update(
        next_review_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    cards = {card.title: card for card in dashboard_cards(legal)}
    assert cards["Policy reviews overdue"].value == 1
    assert cards["Policy reviews overdue"].tone == "bad"
    assert cards["Policies awaiting your attestation"].value == 2  # default + support bot
    annotator_cards = {c.title for c in dashboard_cards(annotator)}
    assert "Policies awaiting your attestation" in annotator_cards
    assert "Policy reviews overdue" not in annotator_cards
    assert not [c for c in dashboard_cards(pipeline) if c.section == "Red-line policies"]


def test_demo_data_is_idempotent(legal):
    out = io.StringIO()
    demo.load_demo(out)
    demo.load_demo(out)
    policy = Policy.objects.get(name=demo.DEMO_POLICY)
    version = selectors.policy_published_version(policy)
    assert version.exceptions.get().scope == "clinic-helpdesk"
    assert "S6" not in [
        c.code for c in selectors.guard_categories(version, scope="clinic-helpdesk")
    ]
    assert Policy.objects.filter(name=demo.DEMO_POLICY).count() == 1


def test_legal_changes_owner_approvers_and_cadence(client_as, legal, make_user):
    from core.roles import Role

    approver = make_user(Role.LEGAL, username="approver_legal")
    policy = policy_with_version(legal)
    client = client_as(legal)
    assert (
        "Owner, approvers and review cadence"
        in client.get(f"/governance/policies/{policy.pk}/").content.decode()
    )
    client.post(
        f"/governance/policies/{policy.pk}/settings/",
        {
            "name": "Support bot",
            "owner": approver.pk,
            "approvers": [approver.pk],
            "review_cadence_days": 30,
            "next_review_on": "2030-01-31",
        },
    )
    policy.refresh_from_db()
    assert policy.owner == approver and list(policy.approvers.all()) == [approver]
    assert policy.review_cadence_days == 30 and str(policy.next_review_on) == "2030-01-31"
    assert "approvers" in [key for event in policy_history(policy) for key in event.changes]


def policy_history(policy):
    from core.selectors import audit_history

    return list(audit_history(policy))
