"""A readable difference between two policy versions: categories and exceptions added,
removed, changed or moved. Pure Python: the caller passes plain snapshots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The category fields whose change a reader cares about, with their labels.
CATEGORY_FIELDS = {
    "name": "name",
    "description": "description",
    "action": "action",
    "enabled": "enabled",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class CategoryChange:
    code: str
    changes: tuple[FieldChange, ...]


@dataclass
class PolicyDiff:
    added: list[Mapping[str, Any]] = field(default_factory=list)
    removed: list[Mapping[str, Any]] = field(default_factory=list)
    changed: list[CategoryChange] = field(default_factory=list)
    reordered: bool = False
    old_order: list[str] = field(default_factory=list)
    new_order: list[str] = field(default_factory=list)
    exceptions_added: list[Mapping[str, str]] = field(default_factory=list)
    exceptions_removed: list[Mapping[str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.reordered
            or self.exceptions_added
            or self.exceptions_removed
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [dict(c) for c in self.added],
            "removed": [dict(c) for c in self.removed],
            "changed": [
                {
                    "code": c.code,
                    "changes": {f.field: {"old": f.old, "new": f.new} for f in c.changes},
                }
                for c in self.changed
            ],
            "reordered": self.reordered,
            "old_order": self.old_order,
            "new_order": self.new_order,
            "exceptions_added": [dict(e) for e in self.exceptions_added],
            "exceptions_removed": [dict(e) for e in self.exceptions_removed],
        }


def _exception_key(exception: Mapping[str, str]) -> tuple[str, str]:
    return (exception["scope"], exception["code"])


def policy_diff(
    old_categories: Sequence[Mapping[str, Any]],
    new_categories: Sequence[Mapping[str, Any]],
    old_exceptions: Sequence[Mapping[str, str]] = (),
    new_exceptions: Sequence[Mapping[str, str]] = (),
) -> PolicyDiff:
    """Compare two versions; categories are dicts with `code` and the CATEGORY_FIELDS, in
    order; exceptions are dicts with `scope`, `code` and `reason`. Categories match by code."""
    old_by_code = {c["code"]: c for c in old_categories}
    new_by_code = {c["code"]: c for c in new_categories}
    diff = PolicyDiff()
    diff.added = [c for c in new_categories if c["code"] not in old_by_code]
    diff.removed = [c for c in old_categories if c["code"] not in new_by_code]
    for category in new_categories:
        before = old_by_code.get(category["code"])
        if before is None:
            continue
        changes = tuple(
            FieldChange(label, before.get(key), category.get(key))
            for key, label in CATEGORY_FIELDS.items()
            if before.get(key) != category.get(key)
        )
        if changes:
            diff.changed.append(CategoryChange(category["code"], changes))
    kept_old = [c["code"] for c in old_categories if c["code"] in new_by_code]
    kept_new = [c["code"] for c in new_categories if c["code"] in old_by_code]
    diff.reordered = kept_old != kept_new
    diff.old_order = [c["code"] for c in old_categories]
    diff.new_order = [c["code"] for c in new_categories]
    old_keys = {_exception_key(e): e for e in old_exceptions}
    new_keys = {_exception_key(e): e for e in new_exceptions}
    diff.exceptions_added = [e for key, e in new_keys.items() if key not in old_keys]
    diff.exceptions_removed = [e for key, e in old_keys.items() if key not in new_keys]
    return diff
