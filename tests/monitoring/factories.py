"""Factories for monitoring tests: outputs, and published policies to scan against."""

from __future__ import annotations

import factory

from governance.policies.models import Policy, PolicyCategory, PolicyVersion
from monitoring.ingest import conversation_sha256
from monitoring.models import ModelOutput

CONVERSATION = [
    {"role": "user", "content": "How do I reset my password?"},
    {"role": "assistant", "content": "Open Settings, then Security, then Reset password."},
]


class ModelOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelOutput

    project = "support-bot"
    external_id = factory.Sequence(lambda n: f"out-{n}")
    model = "llama-3-8b"
    model_version = "2026-11"
    conversation = factory.LazyFunction(lambda: [dict(turn) for turn in CONVERSATION])
    conversation_sha256 = factory.LazyAttribute(lambda o: conversation_sha256(o.conversation))


def published_policy(slug: str = "default", codes: tuple[str, ...] = ("S1", "S2")):
    """A policy with one published version and the given categories; returns the version.

    Replaces a policy of the same slug, e.g. the `default` policy that migrations seed.
    """
    Policy.objects.filter(slug=slug).delete()
    policy = Policy.objects.create(name=f"Policy {slug}", slug=slug)
    version = PolicyVersion.objects.create(
        policy=policy, number=1, status=PolicyVersion.Status.PUBLISHED
    )
    for position, code in enumerate(codes):
        PolicyCategory.objects.create(
            version=version, position=position, code=code, name=f"Category {code}"
        )
    return version


def item(n: int | str = 1, **overrides) -> dict:
    """A valid pushed item as a pipeline sends it."""
    body = {
        "external_id": f"ext-{n}",
        "project": "support-bot",
        "model": "llama-3-8b",
        "model_version": "2026-11",
        "conversation": [dict(turn) for turn in CONVERSATION],
        "metadata": {"trace": f"t-{n}"},
    }
    body.update(overrides)
    return body
