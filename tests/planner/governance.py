"""Governance records for planner tests, made without governance's services.

The planner reads governance only through its public surface, so its tests do the same: a
linked mix or policy is a bare row (the foreign keys need one), and `GovernanceVerdicts`
stands in for what `governance.public` / `governance.policies.public` would answer after
Legal acted. Governance's own tests cover how those verdicts come about.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from governance.models import TrainingMix
from governance.policies.models import Policy


def mix_row(name: str) -> int:
    """A draft training mix with no datasets, as governance stores it."""
    return TrainingMix.objects.create(name=name).pk


def policy_row(name: str) -> int:
    """A policy with no versions yet (so none published)."""
    return Policy.objects.create(name=name, slug=name.lower().replace(" ", "-")).pk


def default_policy_id() -> int:
    """Governance's seeded default policy, published."""
    from governance.policies.public import default_policy_id as seeded

    return seeded()


@dataclass
class GovernanceVerdicts:
    """What governance answers about each mix and policy; `calls` counts the questions."""

    mix_blockers: dict[int, list[str]] = field(default_factory=dict)
    published: dict[int, bool] = field(default_factory=dict)
    calls: int = 0

    def training_mix_blockers(self, mix_id: int) -> list[str]:
        self.calls += 1
        return list(self.mix_blockers.get(mix_id, []))

    def policy_has_published_version(self, policy_id: int) -> bool:
        self.calls += 1
        return self.published.get(policy_id, False)


@pytest.fixture
def verdicts(monkeypatch: pytest.MonkeyPatch) -> GovernanceVerdicts:
    fake = GovernanceVerdicts()
    monkeypatch.setattr("governance.public.training_mix_blockers", fake.training_mix_blockers)
    monkeypatch.setattr(
        "governance.policies.public.policy_has_published_version",
        fake.policy_has_published_version,
    )
    return fake
