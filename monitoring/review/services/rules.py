"""Configuration of the review queue: sampling rules and alert rules, saved from plain values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.public import Actor, InvalidInput, NotFoundError, audit_record, field_changes
from monitoring.review.models import AlertRule, SamplingRule
from monitoring.review.permissions import ACCESS

# The fields a person sets, in the order the forms show them (the forms read these lists).
SAMPLING_RULE_FIELDS = [
    "project",
    "model",
    "random_rate",
    "daily_cap",
    "low_confidence_min",
    "low_confidence_max",
    "double_review_rate",
    "show_guard_verdict",
    "enabled",
]
ALERT_RULE_FIELDS = [
    "name",
    "kind",
    "project",
    "threshold",
    "window_minutes",
    "notify_in_app",
    "notify_email",
    "webhook_url",
    "enabled",
]
RULE_KINDS: dict[str, tuple[type[SamplingRule] | type[AlertRule], list[str], str]] = {
    "sampling": (SamplingRule, SAMPLING_RULE_FIELDS, "sampling_rule"),
    "alerts": (AlertRule, ALERT_RULE_FIELDS, "alert_rule"),
}
_SHARES = ("random_rate", "double_review_rate", "low_confidence_min", "low_confidence_max")


def _sampling_rule_problems(rule: SamplingRule) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for name in _SHARES:
        if not 0 <= getattr(rule, name) <= 1:
            problems.setdefault(name, []).append(_("Use a value between 0 and 1."))
    if rule.low_confidence_min > rule.low_confidence_max and not problems:
        problems["low_confidence_max"] = [_("The band's upper end is below its lower end.")]
    return problems


@transaction.atomic
def rule_save(
    *, kind: str, rule_id: int | None, values: Mapping[str, Any], actor: Actor
) -> SamplingRule | AlertRule:
    """Create (`rule_id` None) or update a sampling or alert rule, with an audit event."""
    ACCESS.require(actor, "configure")
    if kind not in RULE_KINDS:
        raise NotFoundError(_("No such kind of rule."))
    model, fields, entity = RULE_KINDS[kind]
    rule: SamplingRule | AlertRule
    if rule_id is None:
        rule = model()
        before: dict[str, Any] = {}
    else:
        found = model.objects.select_for_update().filter(pk=rule_id).first()
        if found is None:
            raise NotFoundError(_("No such rule."))
        rule = found
        before = {f: getattr(rule, f) for f in fields}
    unknown = set(values) - set(fields)
    if unknown:
        raise InvalidInput(_("Unknown fields: %s.") % ", ".join(sorted(unknown)))
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean()
    if isinstance(rule, SamplingRule) and (problems := _sampling_rule_problems(rule)):
        raise InvalidInput(_("Check the rule's values."), fields=problems)
    rule.save()
    after = {f: getattr(rule, f) for f in fields}
    action = f"{entity}.{'create' if rule_id is None else 'update'}"
    audit_record(actor=actor, target=rule, action=action, changes=field_changes(before, after))
    return rule
