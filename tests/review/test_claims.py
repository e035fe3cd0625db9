"""Claiming, leases, skip, submit and adjudication through the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.review.models import Review, ReviewItem, ReviewLease
from monitoring.review.services.claims import leases_expire
from tests.review.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db

CLAIM = "/api/v1/review/claim/"


def submit(client, item_id, **body):
    body.setdefault("verdict", "safe")
    return client.post(f"/api/v1/review/items/{item_id}/submit/", body, format="json")


def test_claim_returns_highest_priority_then_oldest_and_hides_the_model(api, annotator):
    old_low = ReviewItemFactory(priority=10)
    ReviewItemFactory(priority=10)
    urgent = ReviewItemFactory(priority=100, reasons=["user_report"])
    client = api(annotator)
    body = client.post(CLAIM).json()
    assert body["id"] == urgent.pk
    assert body["reasons"] == ["user_report"]
    assert body["output"] == {"id": urgent.output_id, "conversation": urgent.output.conversation}
    assert "model" not in str(body["output"].keys())
    assert body["lease_expires_at"]
    # The same caller gets the same live lease back, not a second item.
    assert client.post(CLAIM).json()["id"] == urgent.pk
    submit(client, urgent.pk)
    assert client.post(CLAIM).json()["id"] == old_low.pk


def test_claim_answers_204_when_nothing_is_left(api, annotator):
    assert api(annotator).post(CLAIM).status_code == 204


def test_an_item_is_never_handed_out_beyond_its_required_reviews(api, make_user):
    from core.roles import Role

    item = ReviewItemFactory(required_reviews=2)
    first, second, third = (api(make_user(Role.ANNOTATOR)) for _ in range(3))
    assert first.post(CLAIM).json()["id"] == item.pk
    assert second.post(CLAIM).json()["id"] == item.pk
    assert third.post(CLAIM).status_code == 204


def test_submit_after_lease_expiry_is_a_conflict_and_the_item_returns(api, make_user):
    from core.roles import Role

    item = ReviewItemFactory()
    slow, other = api(make_user(Role.ANNOTATOR)), api(make_user(Role.ANNOTATOR))
    slow.post(CLAIM)
    ReviewLease.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert leases_expire() == 1
    response = submit(slow, item.pk)
    assert response.status_code == 409
    assert response.json()["error"] == "lease_expired"
    assert other.post(CLAIM).json()["id"] == item.pk
    assert submit(other, item.pk).status_code == 201
    assert Review.objects.count() == 1


def test_submit_by_someone_else_is_a_conflict_and_nothing_is_double_counted(api, make_user):
    from core.roles import Role

    item = ReviewItemFactory()
    holder, intruder = api(make_user(Role.ANNOTATOR)), api(make_user(Role.ANNOTATOR))
    holder.post(CLAIM)
    assert submit(intruder, item.pk).status_code == 409
    assert submit(holder, item.pk, verdict="unsafe").status_code == 201
    assert submit(holder, item.pk).status_code == 409
    assert Review.objects.count() == 1
    item.refresh_from_db()
    assert (item.status, item.final_verdict) == ("done", "unsafe")


def test_renew_extends_a_live_lease(api, annotator):
    item = ReviewItemFactory()
    client = api(annotator)
    first = client.post(CLAIM).json()["lease_expires_at"]
    renewed = client.post(f"/api/v1/review/items/{item.pk}/renew/").json()
    assert renewed["lease_expires_at"] >= first


def test_skip_returns_the_item_to_others_but_not_to_the_skipper(api, make_user):
    from core.roles import Role

    item = ReviewItemFactory()
    skipper, other = api(make_user(Role.ANNOTATOR)), api(make_user(Role.ANNOTATOR))
    skipper.post(CLAIM)
    assert skipper.post(f"/api/v1/review/items/{item.pk}/skip/").status_code == 200
    assert skipper.post(CLAIM).status_code == 204
    assert other.post(CLAIM).json()["id"] == item.pk


def test_submit_validates_categories_and_ratings(api, annotator):
    item = ReviewItemFactory()
    client = api(annotator)
    client.post(CLAIM)
    assert submit(client, item.pk, verdict="maybe").status_code == 400
    assert submit(client, item.pk, verdict="safe", helpful=9).status_code == 400
    assert submit(client, item.pk, verdict="safe", categories=["S1"]).status_code == 400
    ok = submit(client, item.pk, verdict="unsafe", categories=["S1"], helpful=2, faithful="no")
    assert ok.status_code == 201


def test_disagreement_goes_to_adjudication_whose_label_is_final(api, make_user, legal):
    from core.roles import Role
    from monitoring.review.services.labels import review_adjudicate

    item = ReviewItemFactory(required_reviews=2)
    a, b = api(make_user(Role.ANNOTATOR)), api(make_user(Role.ANNOTATOR))
    a.post(CLAIM)
    b.post(CLAIM)
    submit(a, item.pk, verdict="safe")
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.OPEN
    submit(b, item.pk, verdict="unsafe", categories=["S2"])
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.ADJUDICATION
    review_adjudicate(actor=legal, item_id=item.pk, verdict="unsafe", categories=["S2"])
    item.refresh_from_db()
    assert (item.status, item.final_verdict, item.final_source) == (
        "done",
        "unsafe",
        "adjudication",
    )


def test_roles_that_do_not_review_cannot_claim(api, pm, pipeline):
    assert api(pm).post(CLAIM).status_code == 403
    assert api(pipeline).post(CLAIM).status_code == 403
    assert api().post(CLAIM).status_code in (401, 403)


def test_feedback_queues_the_output_with_high_priority(api, pipeline, annotator):
    from tests.review.factories import ModelOutputFactory

    ReviewItemFactory(priority=80, reasons=["unsafe"])
    output = ModelOutputFactory()
    url = f"/api/v1/outputs/{output.pk}/feedback/"
    response = api(pipeline).post(url, {"reason": "harmful", "text": "bad advice"}, format="json")
    assert response.status_code == 201
    assert response.json()["review_item"] is not None
    assert api(annotator).post(CLAIM).json()["output"]["id"] == output.pk
    assert api(annotator).post(url, {}, format="json").status_code == 403
    assert api(pipeline).post("/api/v1/outputs/999999/feedback/", {}).status_code == 404


def test_a_reviewer_cannot_adjudicate_their_own_disagreement(api, annotator, legal):
    from core.errors import ConflictError
    from monitoring.review.services.labels import review_adjudicate

    item = ReviewItemFactory(required_reviews=2)
    for user, verdict in ((annotator, "safe"), (legal, "unsafe")):
        assert api(user).post(CLAIM).json()["id"] == item.pk
        assert submit(api(user), item.pk, verdict=verdict).status_code == 201
    with pytest.raises(ConflictError):
        review_adjudicate(actor=legal, item_id=item.pk, verdict="safe")
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.ADJUDICATION
    # Both independent labels are kept as they were given.
    assert sorted(Review.objects.filter(item=item).values_list("verdict", "is_adjudication")) == [
        ("safe", False),
        ("unsafe", False),
    ]


def test_an_adjudicator_is_not_offered_the_item_again_when_a_report_reopens_it(
    api, make_user, legal, pipeline
):
    from core.roles import Role
    from monitoring.review.services.labels import review_adjudicate

    item = ReviewItemFactory(required_reviews=2)
    for verdict in ("safe", "unsafe"):
        client = api(make_user(Role.ANNOTATOR))
        client.post(CLAIM)
        submit(client, item.pk, verdict=verdict)
    review_adjudicate(actor=legal, item_id=item.pk, verdict="safe")
    response = api(pipeline).post(
        f"/api/v1/outputs/{item.output_id}/feedback/", {"reason": "harmful"}, format="json"
    )
    assert response.status_code == 201
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.OPEN
    # Legal already gave this item its final label: the fresh look is someone else's.
    assert api(legal).post(CLAIM).status_code == 204
    other = api(make_user(Role.ANNOTATOR))
    assert other.post(CLAIM).json()["id"] == item.pk
    assert submit(other, item.pk, verdict="unsafe").status_code == 201


def test_a_blind_claim_does_not_reveal_the_guard_verdict_through_its_reasons(api, make_user):
    from core.roles import Role
    from monitoring.review.models import SamplingRule

    flagged = ReviewItemFactory(priority=80, reasons=["unsafe", "user_report"])
    body = api(make_user(Role.ANNOTATOR)).post(CLAIM).json()
    assert body["id"] == flagged.pk
    assert body["reasons"] == ["user_report"]
    # A project that chooses to show the guard's verdict shows why the item is here.
    SamplingRule.objects.create(project=flagged.project, show_guard_verdict=True)
    shown = ReviewItemFactory(priority=80, reasons=["unsafe", "user_report"])
    body = api(make_user(Role.ANNOTATOR)).post(CLAIM).json()
    assert (body["id"], body["reasons"]) == (shown.pk, ["unsafe", "user_report"])
