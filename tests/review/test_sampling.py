"""Sampling at ingest: deterministic, stratified by model version, capped per day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.review.models import ReviewItem, SamplingRule
from monitoring.review.services.routing import output_sample, scans_route
from tests.review.factories import (
    GuardScanFactory,
    ModelOutputFactory,
    output_record,
    scan_record,
)

pytestmark = pytest.mark.django_db


def sampled_ids(outputs):
    return {o.pk for o in outputs if output_sample(output=output_record(o)) is not None}


def test_sampling_is_deterministic_from_the_output_id():
    SamplingRule.objects.create(project="support-bot", random_rate=0.3, daily_cap=10_000)
    outputs = ModelOutputFactory.create_batch(200)
    first = sampled_ids(outputs)
    assert 30 < len(first) < 90
    ReviewItem.objects.all().delete()
    assert sampled_ids(outputs) == first


def test_sampling_again_neither_duplicates_nor_uses_the_cap():
    rule = SamplingRule.objects.create(project="support-bot", random_rate=1.0, daily_cap=2)
    a, b, c = ModelOutputFactory.create_batch(3)
    assert output_sample(output=output_record(a)) is not None
    assert output_sample(output=output_record(a)) is not None
    assert output_sample(output=output_record(b)) is not None
    assert output_sample(output=output_record(c)) is None  # the cap of 2 per day is reached
    assert ReviewItem.objects.count() == 2
    assert rule.pk


def test_cap_applies_per_model_version_and_per_day():
    SamplingRule.objects.create(project="support-bot", random_rate=1.0, daily_cap=1)
    yesterday = timezone.now() - timedelta(days=1)
    outputs = [
        ModelOutputFactory(model_version="v1"),
        ModelOutputFactory(model_version="v1"),
        ModelOutputFactory(model_version="v2"),
        ModelOutputFactory(model_version="v1", received_at=yesterday),
    ]
    assert [output_sample(output=output_record(o)) is not None for o in outputs] == [
        True,
        False,
        True,
        True,
    ]


def test_no_rule_or_other_project_means_no_random_sample():
    SamplingRule.objects.create(project="other", random_rate=1.0)
    assert output_sample(output=output_record(ModelOutputFactory())) is None


def test_a_model_specific_rule_wins_over_the_project_rule():
    SamplingRule.objects.create(project="support-bot", random_rate=1.0)
    SamplingRule.objects.create(project="support-bot", model="llama-3-8b", random_rate=0.0)
    assert output_sample(output=output_record(ModelOutputFactory(model="llama-3-8b"))) is None
    assert output_sample(output=output_record(ModelOutputFactory(model="other"))) is not None


def test_low_confidence_band_routes_once():
    SamplingRule.objects.create(
        project="support-bot", random_rate=0, low_confidence_min=0.4, low_confidence_max=0.6
    )
    near = GuardScanFactory(p_unsafe=0.5)
    far = GuardScanFactory(p_unsafe=0.9, verdict="unsafe")
    assert scans_route([scan_record(near)]) == {near.output_id: ["low_confidence"]}
    assert scans_route([scan_record(near)]) == {near.output_id: ["low_confidence"]}
    assert ReviewItem.objects.get(output=near.output).reasons == ["low_confidence"]
    # Far from the threshold: routed for its verdict, not for a low confidence.
    scans_route([scan_record(far)])
    assert ReviewItem.objects.get(output=far.output).reasons == ["unsafe"]


def test_about_a_tenth_of_items_need_two_reviews():
    SamplingRule.objects.create(project="support-bot", random_rate=1.0, daily_cap=10_000)
    for output in ModelOutputFactory.create_batch(300):
        output_sample(output=output_record(output))
    doubles = ReviewItem.objects.filter(required_reviews=2).count()
    assert 10 <= doubles <= 55
