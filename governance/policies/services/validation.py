"""Checks on the categories and exceptions a caller sends, before a version is written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from core.public import ApplicationError
from governance.policies.guard_prompt import GuardCategory, category_problems
from governance.policies.models import PolicyCategory


def category_clean(raw: Mapping[str, Any], index: int) -> dict[str, Any]:
    where = f"categories[{index}]"
    if not isinstance(raw, Mapping):
        raise ApplicationError(f"{where} must be an object with code and name.")
    code = str(raw.get("code") or "").strip()
    name = str(raw.get("name") or "").strip().rstrip(".").strip()
    if not code:
        raise ApplicationError(f"{where}.code is required.")
    if not name:
        raise ApplicationError(f"{where}.name is required (category {code}).")
    action = raw.get("action") or PolicyCategory.Action.REVIEW
    if action not in PolicyCategory.Action.values:
        choices = ", ".join(PolicyCategory.Action.values)
        raise ApplicationError(f"{where}.action must be one of {choices}, not {action!r}.")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ApplicationError(f"{where}.enabled must be true or false.")
    return {
        "code": code,
        "name": name,
        "description": str(raw.get("description") or "").strip(),
        "action": action,
        "enabled": enabled,
    }


def categories_clean(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each category cleaned, and the list as a whole valid for the guard prompt."""
    cleaned = [category_clean(c, i) for i, c in enumerate(raw)]
    problems = category_problems(
        [GuardCategory(c["code"], c["name"], c.get("description", "")) for c in cleaned]
    )
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid_categories")
    return cleaned


def exceptions_clean(
    raw_exceptions: Iterable[Mapping[str, Any]], codes: Iterable[str]
) -> list[dict[str, str]]:
    known = set(codes)
    cleaned: list[dict[str, str]] = []
    seen = set()
    for index, raw in enumerate(raw_exceptions):
        where = f"exceptions[{index}]"
        if not isinstance(raw, Mapping):
            raise ApplicationError(f"{where} must be an object with scope, code and reason.")
        # The scope is matched exactly against the project key pipelines send with outputs.
        scope = str(raw.get("scope") or "").strip()
        code = str(raw.get("code") or "").strip()
        reason = str(raw.get("reason") or "").strip()
        if not scope:
            raise ApplicationError(f"{where}.scope names the deployment or project it covers.")
        if len(scope) > 100 or any(ch.isspace() for ch in scope):
            raise ApplicationError(f"{where}.scope must be a project key: no spaces, 100 chars.")
        if code not in known:
            raise ApplicationError(f"{where}.code {code!r} is not a category of this version.")
        if not reason:
            raise ApplicationError(f"{where}.reason is required: say why {code} is off.")
        if (scope, code) in seen:
            raise ApplicationError(f"{where}: {code} is already excepted in {scope}.")
        seen.add((scope, code))
        cleaned.append({"scope": scope, "code": code, "reason": reason})
    return cleaned
