"""Demo configuration for the review queue: a sampling rule and a few alert rules."""

from __future__ import annotations

from monitoring.review.models import AlertRule, SamplingRule

DEMO_PROJECT = "support-bot"


def load_demo(stdout) -> None:
    """Idempotent: creates what is missing, leaves edited rules alone."""
    _, created = SamplingRule.objects.get_or_create(
        project=DEMO_PROJECT,
        model="",
        defaults={"random_rate": 0.05, "daily_cap": 200, "double_review_rate": 0.10},
    )
    alert_rules = [
        ("Unsafe rate above 20% (1 h)", AlertRule.Kind.UNSAFE_RATE, 0.20, 60),
        ("Guard errors above 5% (1 h)", AlertRule.Kind.GUARD_ERROR_RATE, 0.05, 60),
        ("Review backlog above 500", AlertRule.Kind.BACKLOG, 500, 60),
        ("Guard circuit breaker open", AlertRule.Kind.CIRCUIT_OPEN, 0, 5),
        ("Review leases expiring (1 h)", AlertRule.Kind.LEASE_EXPIRIES, 10, 60),
    ]
    made = 0
    for name, kind, threshold, window in alert_rules:
        _, was_made = AlertRule.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "threshold": threshold, "window_minutes": window},
        )
        made += was_made
    stdout.write(f"review: sampling rule {'created' if created else 'kept'}, {made} alert rules\n")
