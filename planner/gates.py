"""Gates on roadmap tasks: what must be true elsewhere (Legal's verdicts) before work starts.

The first fine-tune waits for a training mix that Legal approved and a published red-line
policy. Both facts are read through the governance selectors only, imported lazily so the
planner still loads where those apps are not installed; a missing link is itself a blocker.
"""

from __future__ import annotations

from planner.models import Gate, Project

NO_MIX = "No training mix is linked to this project."
NO_POLICY = "No published red-line policy is linked to this project."


def training_mix_gate_blockers(project: Project) -> list[str]:
    mix = getattr(project, "training_mix", None)
    if mix is None:
        return [NO_MIX]
    try:
        from governance.selectors import training_mix_blockers
    except ImportError:
        return [f"The verdict on training mix '{mix}' cannot be read here."]
    return list(training_mix_blockers(mix))


def policy_gate_blockers(project: Project) -> list[str]:
    policy = getattr(project, "policy", None)
    if policy is None:
        return [NO_POLICY]
    try:
        from governance.policies.selectors import policy_published_version
    except ImportError:
        return [f"Whether policy '{policy}' is published cannot be read here."]
    if policy_published_version(policy) is None:
        return [f"Policy '{policy}' has no published version yet."]
    return []


GATE_CHECKS = {
    Gate.FINE_TUNE: (training_mix_gate_blockers, policy_gate_blockers),
}


def gate_blockers(project: Project, gate: str) -> list[str]:
    """Every reason the gate is closed for this project; empty when it is open."""
    reasons: list[str] = []
    for check in GATE_CHECKS.get(gate, ()):
        reasons.extend(check(project))
    return reasons
