"""Gates on roadmap tasks: what must be true elsewhere (Legal's verdicts) before work starts.

The first fine-tune waits for a training mix that Legal approved and a published red-line
policy. Both facts are read through the governance apps' public surfaces by id; a missing link
is itself a blocker. A `GateReader` remembers each answer, so a page that checks the gates of
many tasks asks about each linked mix and policy once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

# Called through the modules, so that a test can stand in for the other apps' answers.
from governance import public as training_mixes
from governance.policies import public as policies
from planner.models import Gate, Project

NO_MIX = "No training mix is linked to this project."
NO_POLICY = "No published red-line policy is linked to this project."


class GateReader:
    """Answers gate questions for one request, each linked mix and policy read once."""

    def __init__(self) -> None:
        self._mix_blockers: dict[int, list[str]] = {}
        self._policy_published: dict[int, bool] = {}
        self._policy_names: dict[int, str] | None = None

    def prime(self, projects: Iterable[Project]) -> GateReader:
        """Read the gates of all these projects' mixes and policies at once (a fixed number
        of queries however many projects link different ones)."""
        projects = list(projects)
        mix_ids = {p.training_mix_id for p in projects if p.training_mix_id is not None}
        policy_ids = {p.policy_id for p in projects if p.policy_id is not None}
        new_mixes = mix_ids - set(self._mix_blockers)
        if new_mixes:
            self._mix_blockers.update(training_mixes.training_mix_blockers_many(new_mixes))
        new_policies = policy_ids - set(self._policy_published)
        if new_policies:
            published = policies.policies_with_published_version(new_policies)
            self._policy_published.update({pk: pk in published for pk in new_policies})
        return self

    def mix_blockers(self, mix_id: int | None) -> list[str]:
        if mix_id is None:
            return [NO_MIX]
        if mix_id not in self._mix_blockers:
            self._mix_blockers[mix_id] = list(training_mixes.training_mix_blockers(mix_id))
        return self._mix_blockers[mix_id]

    def policy_blockers(self, policy_id: int | None) -> list[str]:
        if policy_id is None:
            return [NO_POLICY]
        if policy_id not in self._policy_published:
            self._policy_published[policy_id] = policies.policy_has_published_version(policy_id)
        if self._policy_published[policy_id]:
            return []
        return [
            _("Policy '%(name)s' has no published version yet.")
            % {"name": self._policy_name(policy_id)}
        ]

    def _policy_name(self, policy_id: int) -> str:
        if self._policy_names is None:
            self._policy_names = dict(policies.policy_choices())
        return self._policy_names.get(policy_id, f"#{policy_id}")

    def blockers(self, project: Project, gate: str) -> list[str]:
        """Every reason the gate is closed for this project; empty when it is open."""
        reasons: list[str] = []
        for check in GATE_CHECKS.get(gate, ()):
            reasons.extend(check(self, project))
        return reasons


def _training_mix_check(reader: GateReader, project: Project) -> list[str]:
    return reader.mix_blockers(project.training_mix_id)


def _policy_check(reader: GateReader, project: Project) -> list[str]:
    return reader.policy_blockers(project.policy_id)


GATE_CHECKS: dict[str, tuple[Callable[[GateReader, Project], list[str]], ...]] = {
    Gate.FINE_TUNE: (_training_mix_check, _policy_check),
}


def gate_blockers(project: Project, gate: str) -> list[str]:
    """Every reason the gate is closed for this project; empty when it is open."""
    return GateReader().blockers(project, gate)
