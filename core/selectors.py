"""Reads for core: history of a record, notifications."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from core.models import AuditEvent, Notification


def audit_history(target: models.Model) -> QuerySet[AuditEvent]:
    """Every recorded event for `target`, newest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
    ).select_related("actor")


def notifications_unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)
