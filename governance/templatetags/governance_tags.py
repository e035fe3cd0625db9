"""Template helpers for governance pages: badge tones for statuses and verdicts."""

from django import template

register = template.Library()

_TONES = {
    "approved": "good",
    "approved_with_conditions": "good",
    "in_review": "warn",
    "rejected": "bad",
    "allowed": "good",
    "not_allowed": "bad",
    "unknown": "warn",
}
_COMMERCIAL = {"allowed": "allowed", "not_allowed": "not allowed", "unknown": "unknown"}


@register.filter
def tone(value: str) -> str:
    """The badge class for a review status or a commercial-use answer."""
    return _TONES.get(str(value), "")


@register.filter
def commercial_label(value: str) -> str:
    return _COMMERCIAL.get(str(value), str(value))
