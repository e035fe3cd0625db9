"""Factories for model outputs, guard scans and review items."""

import factory

from monitoring.models import GuardScan, ModelOutput
from monitoring.review.models import ReviewItem


class ModelOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelOutput

    project = "support-bot"
    external_id = factory.Sequence(lambda n: f"out-{n}")
    model = "llama-3-8b"
    model_version = "v1"
    conversation = factory.LazyAttribute(
        lambda o: [
            {"role": "user", "content": f"Question {o.external_id}"},
            {"role": "assistant", "content": f"Answer {o.external_id}"},
        ]
    )
    conversation_sha256 = factory.Sequence(lambda n: f"{n:064x}")


class GuardScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuardScan

    output = factory.SubFactory(ModelOutputFactory)
    verdict = "safe"
    p_unsafe = 0.05


class ReviewItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewItem

    output = factory.SubFactory(ModelOutputFactory)
    project = factory.SelfAttribute("output.project")
    reasons = factory.LazyFunction(lambda: ["random_sample"])
    priority = 10
    required_reviews = 1


def output_record(output: ModelOutput):
    """The record monitoring hands the review queue for this output."""
    from monitoring.public import output_record as record

    return record(output.pk)


def scan_record(scan: GuardScan):
    """The record monitoring hands the review queue once this scan is stored."""
    from monitoring.public import output_latest_scans

    return output_latest_scans([scan.output_id])[scan.output_id]
