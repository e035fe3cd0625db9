"""Blind review: one rule for the queue page and the claim API (monitoring.review.blind)."""

import pytest

from core.roles import Role
from monitoring.review.blind import reviewer_view
from monitoring.review.models import SamplingRule
from tests.review.factories import GuardScanFactory, ReviewItemFactory

GUARD_REASONS = ["unsafe", "error", "guard_unavailable", "truncated", "low_confidence"]


def test_a_blind_reviewer_sees_no_guard_derived_reason_nor_the_verdict():
    shown = reviewer_view(
        reasons=[*GUARD_REASONS, "user_report", "random_sample"],
        shows_guard=False,
        guard_verdict="unsafe",
    )
    assert shown.reasons == ("user_report", "random_sample")
    assert shown.guard_verdict is None
    everything = reviewer_view(reasons=GUARD_REASONS, shows_guard=True, guard_verdict="unsafe")
    assert everything.reasons == tuple(GUARD_REASONS) and everything.guard_verdict == "unsafe"


@pytest.mark.django_db
def test_the_page_and_the_api_show_the_same_reasons(client_as, api, make_user):
    item = ReviewItemFactory(
        priority=100, reasons=["error", "truncated", "user_report"], required_reviews=2
    )
    GuardScanFactory(output=item.output, verdict="error")
    page_user, api_user = make_user(Role.ANNOTATOR), make_user(Role.ANNOTATOR)
    html = client_as(page_user).get("/monitoring/review/").content.decode()
    assert "reasons: user_report" in html and "truncated" not in html and "guard:" not in html
    body = api(api_user).post("/api/v1/review/claim/").json()
    assert body["reasons"] == ["user_report"]
    SamplingRule.objects.create(project=item.project, show_guard_verdict=True)
    html = client_as(page_user).get("/monitoring/review/").content.decode()
    assert "reasons: error, truncated, user_report" in html and "guard:" in html
