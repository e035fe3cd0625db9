"""Reads for core: history of a record, notifications, users by role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from core.models import AuditEvent, Notification
from core.roles import Role


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


def users_with_role(*roles: Role) -> QuerySet[User]:
    """Active users holding any of `roles` (Admins only when `Role.ADMIN` is asked for),
    ordered by user name: the one query behind every "who may do X" list."""
    names = [role.value for role in roles]
    return (
        User.objects.filter(is_active=True, groups__name__in=names).distinct().order_by("username")
    )


def audit_event_list(filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEvent]:
    """Audit events, newest first, narrowed by `AuditEventFilterSet`'s filters."""
    from core.filtersets import AuditEventFilterSet

    queryset = AuditEvent.objects.select_related("actor", "target_type").order_by(
        "-created_at", "-id"
    )
    return AuditEventFilterSet(filters or {}, queryset=queryset).qs
