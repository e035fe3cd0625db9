"""Demo configuration for the review queue: a sampling rule and a few alert rules."""

from __future__ import annotations

from typing import Any

from core.public import SYSTEM
from monitoring.review.models import AlertRule, SamplingRule
from monitoring.review.services.rules import rule_save

DEMO_PROJECT = "support-bot"


def load_demo(stdout: Any) -> None:
    """Idempotent: creates what is missing, leaves edited rules alone."""
    created = not SamplingRule.objects.filter(project=DEMO_PROJECT, model="").exists()
    if created:
        values = {
            "project": DEMO_PROJECT,
            "random_rate": 0.05,
            "daily_cap": 200,
            "double_review_rate": 0.10,
        }
        rule_save(kind="sampling", rule_id=None, values=values, actor=SYSTEM)
    alert_rules = [
        ("Unsafe rate above 20% (1 h)", AlertRule.Kind.UNSAFE_RATE, 0.20, 60),
        ("Guard errors above 5% (1 h)", AlertRule.Kind.GUARD_ERROR_RATE, 0.05, 60),
        ("Review backlog above 500", AlertRule.Kind.BACKLOG, 500, 60),
        ("Guard circuit breaker open", AlertRule.Kind.CIRCUIT_OPEN, 0, 5),
        ("Review leases expiring (1 h)", AlertRule.Kind.LEASE_EXPIRIES, 10, 60),
    ]
    made = 0
    for name, kind, threshold, window in alert_rules:
        if AlertRule.objects.filter(name=name).exists():
            continue
        values = {"name": name, "kind": kind, "threshold": threshold, "window_minutes": window}
        rule_save(kind="alerts", rule_id=None, values=values, actor=SYSTEM)
        made += 1
    stdout.write(f"review: sampling rule {'created' if created else 'kept'}, {made} alert rules\n")
