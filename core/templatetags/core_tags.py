"""Template filters shared by every app's pages: readable audit values and durations."""

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

from core.audit_format import audit_changes_text, audit_field_label

register = template.Library()


@register.filter
def readable_changes(changes: Any) -> list[tuple[str, str, str]]:
    """(field label, before, after) rows for a history table."""
    return [
        (audit_field_label(field), before, after)
        for field, (before, after) in audit_changes_text(changes).items()
    ]


@register.filter
def timeuntil_delta(delta: timedelta | None) -> str:
    """A duration in words ("15 minutes")."""
    if not delta:
        return ""
    now = timezone.now()
    return timeuntil(now + delta, now)
