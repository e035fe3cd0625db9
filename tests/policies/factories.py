"""Factories and helpers for policy tests."""

from __future__ import annotations

import factory

from governance.policies.models import Policy
from governance.policies.services import policies
from governance.policies.services import workflow as transitions

CUSTOM_CATEGORIES = [
    {"code": "S1", "name": "Violent Crimes", "description": "No help with violence."},
    {
        "code": "S6",
        "name": "Specialized Advice",
        "description": "Never give dosage advice.",
        "action": "block",
    },
    {"code": "C1", "name": "Competitor Pricing", "description": "Never quote rivals' prices."},
]


class PolicyFactory(factory.django.DjangoModelFactory):
    """A bare policy row, without versions (use `policy_with_version` for a usable one)."""

    class Meta:
        model = Policy

    name = factory.Sequence(lambda n: f"Policy {n}")
    slug = factory.Sequence(lambda n: f"policy-{n}")
    review_cadence_days = 90


def policy_with_version(legal, *, name="Support bot", publish=False, categories=None, **kwargs):
    """A policy created the way Legal does, optionally walked through to published."""
    policy = policies.policy_create(
        actor=legal,
        name=name,
        categories=CUSTOM_CATEGORIES if categories is None else categories,
        **kwargs,
    )
    if publish:
        for verb in ("submit", "approve", "publish"):
            transitions.policy_transition(actor=legal, policy=policy, verb=verb)
    return policy
