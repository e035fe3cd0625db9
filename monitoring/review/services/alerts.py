"""Alerts: measure each rule, fire and resolve alerts, notify people and webhooks."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.public import (
    Actor,
    ConflictError,
    NotFoundError,
    Role,
    actor_user,
    audit_record,
    notify,
    users_with_role,
)
from monitoring.public import guard_breaker_open, scan_verdict_rate
from monitoring.review.models import Alert, AlertRule, ReviewItem, ReviewLease
from monitoring.review.permissions import ACCESS


def alert_rule_measure(*, rule: AlertRule, now: datetime | None = None) -> float:
    """The rule's current value: a rate (0-1), a count, or 1/0 for the circuit breaker."""
    now = now or timezone.now()
    since = now - timedelta(minutes=rule.window_minutes)
    kind = AlertRule.Kind
    if rule.kind in (kind.UNSAFE_RATE, kind.GUARD_ERROR_RATE):
        verdict = "unsafe" if rule.kind == kind.UNSAFE_RATE else "error"
        return scan_verdict_rate(verdict=verdict, since=since, until=now, project=rule.project)
    if rule.kind == kind.BACKLOG:
        items = ReviewItem.objects.filter(status=ReviewItem.Status.OPEN)
        if rule.project:
            items = items.filter(project=rule.project)
        return float(items.count())
    if rule.kind == kind.CIRCUIT_OPEN:
        return 1.0 if guard_breaker_open() else 0.0
    if rule.kind == kind.LEASE_EXPIRIES:
        leases = ReviewLease.objects.filter(
            state__in=[ReviewLease.State.ACTIVE, ReviewLease.State.EXPIRED],
            expires_at__gte=since,
            expires_at__lte=now,
        )
        if rule.project:
            leases = leases.filter(item__project=rule.project)
        return float(leases.count())
    raise ValueError(f"Unknown alert kind {rule.kind!r}")


def _alert_notify(alert: Alert, title: str) -> None:
    rule = alert.rule
    if rule.notify_in_app or rule.notify_email:
        notify(
            users=users_with_role(Role.PM, Role.LEGAL),
            title=title,
            body=alert.message,
            url=reverse("review:alerts"),
            email=rule.notify_email,
        )
    if rule.webhook_url:
        from monitoring.review.tasks import alert_webhook

        alert_id = alert.pk
        transaction.on_commit(lambda: alert_webhook.delay(alert_id, title))


def _describe(rule: AlertRule, value: float) -> str:
    shown = f"{value:.1%}" if rule.kind.endswith("_rate") else f"{value:g}"
    limit = f"{rule.threshold:.1%}" if rule.kind.endswith("_rate") else f"{rule.threshold:g}"
    scope = rule.project or "all projects"
    return f"{rule.get_kind_display()}: {shown} (threshold {limit}, {scope})"


@transaction.atomic
def alert_rule_evaluate(*, rule: AlertRule, now: datetime | None = None) -> Alert | None:
    """Fire an alert when the rule's value crosses its threshold, resolve it on recovery."""
    rule = AlertRule.objects.select_for_update().get(pk=rule.pk)
    value = alert_rule_measure(rule=rule, now=now)
    open_alert = rule.alerts.exclude(status=Alert.Status.RESOLVED).first()
    if value > rule.threshold:
        if open_alert is not None:
            return open_alert
        alert = Alert.objects.create(rule=rule, value=value, message=_describe(rule, value))
        _alert_notify(alert, f"Alert: {rule.name}")
        return alert
    if open_alert is not None:
        open_alert.status = Alert.Status.RESOLVED
        open_alert.resolved_at = timezone.now()
        open_alert.save(update_fields=["status", "resolved_at"])
        _alert_notify(open_alert, f"Recovered: {rule.name}")
        return open_alert
    return None


def alerts_evaluate() -> int:
    """Evaluate every enabled rule (run by beat); returns how many rules were evaluated."""
    rules = list(AlertRule.objects.filter(enabled=True))
    for rule in rules:
        alert_rule_evaluate(rule=rule)
    return len(rules)


def _alert_for_update(alert_id: int) -> Alert:
    alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFoundError(_("No such alert."))
    return alert


@transaction.atomic
def alert_acknowledge(*, alert_id: int, actor: Actor) -> Alert:
    ACCESS.require(actor, "configure")
    alert = _alert_for_update(alert_id)
    if alert.status != Alert.Status.FIRING:
        raise ConflictError("Only a firing alert can be acknowledged.")
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor_user(actor)
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    audit_record(actor=actor, target=alert, action="alert.acknowledge")
    return alert


@transaction.atomic
def alert_resolve(*, alert_id: int, actor: Actor) -> Alert:
    ACCESS.require(actor, "configure")
    alert = _alert_for_update(alert_id)
    if alert.status == Alert.Status.RESOLVED:
        raise ConflictError("This alert is already resolved.")
    alert.status = Alert.Status.RESOLVED
    alert.resolved_at = timezone.now()
    alert.resolved_by = actor_user(actor)
    alert.save(update_fields=["status", "resolved_at", "resolved_by"])
    audit_record(actor=actor, target=alert, action="alert.resolve")
    return alert


def alert_webhook_send(*, alert_id: int, title: str) -> bool:
    """POST the alert as JSON to its rule's webhook; False when the alert or URL is gone."""
    alert = Alert.objects.select_related("rule").filter(pk=alert_id).first()
    if alert is None or not alert.rule.webhook_url:
        return False
    body = json.dumps(
        {
            "title": title,
            "rule": alert.rule.name,
            "kind": alert.rule.kind,
            "status": alert.status,
            "value": alert.value,
            "message": alert.message,
            "fired_at": alert.fired_at.isoformat(),
        }
    ).encode()
    request = urllib.request.Request(
        alert.rule.webhook_url,
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):
        return True
