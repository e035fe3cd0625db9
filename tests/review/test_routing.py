"""Routing outputs into the review queue: one item per output, each reason once."""

import pytest

from monitoring.models import ModelOutput
from monitoring.review.models import ReviewItem
from monitoring.review.services.routing import review_item_route
from tests.review.factories import output_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def output():
    return ModelOutput.objects.create(
        project="support-bot",
        external_id="o-1",
        model="llama-3-8b",
        conversation=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
        conversation_sha256="0" * 64,
    )


def test_routing_twice_for_the_same_reason_queues_once(output):
    review_item_route(output=output_record(output), reasons=["random_sample"])
    review_item_route(output=output_record(output), reasons=["random_sample"])
    item = ReviewItem.objects.get()
    assert item.reasons == ["random_sample"]
    assert item.priority == 10


def test_a_new_reason_is_added_and_priority_only_rises(output):
    review_item_route(output=output_record(output), reasons=["unsafe"])
    review_item_route(output=output_record(output), reasons=["random_sample", "unsafe"])
    item = ReviewItem.objects.get()
    assert item.reasons == ["unsafe", "random_sample"]
    assert item.priority == 80
    review_item_route(output=output_record(output), reasons=["user_report"])
    assert ReviewItem.objects.get().priority == 100


def test_unknown_reason_is_refused(output):
    with pytest.raises(ValueError):
        review_item_route(output=output_record(output), reasons=["because"])
    assert not ReviewItem.objects.exists()
