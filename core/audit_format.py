"""How recorded values read in a history: labels and plain words, never Python reprs."""

from __future__ import annotations

from typing import Any

EMPTY = "—"


def audit_value_text(value: Any) -> str:
    """`['en', 'ko']` → "en, ko"; None or "" → "—"; True → "yes"; {"a": 1} → "a: 1"."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set):
        return ", ".join(audit_value_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {audit_value_text(item)}" for key, item in value.items())
    return str(value)


def audit_changes_text(changes: Any) -> dict[str, list[str]]:
    """`{"field": [before, after]}` with both values as text (other shapes kept readable)."""
    if not isinstance(changes, dict):
        return {}
    readable: dict[str, list[str]] = {}
    for field, pair in changes.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            readable[str(field)] = [audit_value_text(pair[0]), audit_value_text(pair[1])]
        else:
            readable[str(field)] = [EMPTY, audit_value_text(pair)]
    return readable


def audit_field_label(field: str) -> str:
    """`contains_faces` → "Contains faces"."""
    return field.replace("_", " ").strip().capitalize()
