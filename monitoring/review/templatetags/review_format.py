"""Number formatting for review dashboards (cheaper than floatformat on large tables)."""

from django import template

register = template.Library()


@register.filter
def ratio(value) -> str:
    """0.12345 -> "0.123"; None -> "-"."""
    return "-" if value is None else f"{value:.3f}"


@register.filter
def interval(low, high) -> str:
    """A 95% interval as "0.100 to 0.200", or "" when there is none."""
    return "" if low is None else f"{low:.3f} to {high:.3f}"
