"""Template filters shared by every app's pages: readable audit values."""

from typing import Any

from django import template

from core.audit_format import audit_changes_text, audit_field_label

register = template.Library()


@register.filter
def readable_changes(changes: Any) -> list[tuple[str, str, str]]:
    """(field label, before, after) rows for a history table."""
    return [
        (audit_field_label(field), before, after)
        for field, (before, after) in audit_changes_text(changes).items()
    ]
