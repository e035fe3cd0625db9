"""Writes on versions: start a draft, edit a draft's summary and its ordered categories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from core.public import (
    Actor,
    ApplicationError,
    ConflictError,
    actor_user,
    audit_record,
    field_changes,
)
from governance.policies.models import CATEGORY_FIELDS, Policy, PolicyVersion
from governance.policies.permissions import ACCESS
from governance.policies.services.records import (
    categories_write,
    exceptions_write,
    transition_record,
    version_locked,
    version_require_draft,
    version_snapshot,
)
from governance.policies.services.validation import categories_clean, exceptions_clean

Status = PolicyVersion.Status


@transaction.atomic
def version_draft_start(*, actor: Actor, policy: Policy, summary: str = "") -> PolicyVersion:
    """The policy's open draft, or a new one copied from its latest version."""
    ACCESS.require(actor, "edit")
    Policy.objects.select_for_update().filter(pk=policy.pk).first()
    latest = policy.versions.order_by("-number").first()
    if latest is not None and latest.status == Status.DRAFT:
        return latest
    if latest is not None and latest.status in (Status.IN_REVIEW, Status.APPROVED):
        raise ConflictError(
            f"Version {latest.number} is {latest.get_status_display().lower()}; "
            "send it back to draft instead of starting another.",
            code="open_version",
        )
    draft = PolicyVersion.objects.create(
        policy=policy,
        number=(latest.number + 1) if latest else 1,
        summary=summary,
        created_by=actor_user(actor),
    )
    if latest is not None:
        snapshot = version_snapshot(latest)
        categories_write(draft, snapshot["categories"])
        exceptions_write(draft, snapshot["exceptions"])
    note = f"Started from version {latest.number}" if latest else "Started"
    transition_record(version=draft, from_status="", actor=actor, note=note)
    return draft


@transaction.atomic
def version_update(
    *,
    actor: Actor,
    version: PolicyVersion,
    summary: str | None = None,
    categories: Sequence[Mapping[str, Any]] | None = None,
    exceptions: Sequence[Mapping[str, Any]] | None = None,
) -> PolicyVersion:
    """Replace a draft's summary, categories (in the given order) and/or exceptions."""
    ACCESS.require(actor, "edit")
    version = version_locked(version)
    version_require_draft(version)
    before = version_snapshot(version)
    if categories is not None:
        cleaned = categories_clean(categories)
        codes = [c["code"] for c in cleaned]
        if exceptions is None:
            # Exceptions for categories that are gone go with them.
            exceptions = [e for e in before["exceptions"] if e["code"] in codes]
        categories_write(version, cleaned)
    else:
        codes = [c["code"] for c in before["categories"]]
    if exceptions is not None:
        exceptions_write(version, exceptions_clean(exceptions, codes))
    if summary is not None:
        version.summary = summary.strip()
        version.save(update_fields=["summary"])
    changes = field_changes(before, version_snapshot(version))
    if changes:
        audit_record(actor=actor, target=version, action="policy_version.update", changes=changes)
    return version


def _categories(version: PolicyVersion) -> list[dict[str, Any]]:
    return [
        {field: getattr(c, field) for field in CATEGORY_FIELDS} for c in version.categories.all()
    ]


def _index_of(version: PolicyVersion, categories: list[dict[str, Any]], code: str) -> int:
    codes = [c["code"] for c in categories]
    if code not in codes:
        raise ApplicationError(f"Version {version.number} has no category {code}.")
    return codes.index(code)


@transaction.atomic
def category_add(
    *, actor: Actor, version: PolicyVersion, category: Mapping[str, Any]
) -> PolicyVersion:
    categories = [*_categories(version), dict(category)]
    return version_update(actor=actor, version=version, categories=categories)


@transaction.atomic
def category_change(
    *, actor: Actor, version: PolicyVersion, code: str, changes: Mapping[str, Any]
) -> PolicyVersion:
    categories = _categories(version)
    index = _index_of(version, categories, code)
    categories[index] = {**categories[index], **changes}
    exceptions = None
    new_code = str(categories[index].get("code") or "").strip()
    if new_code != code:
        # A renamed code keeps its exceptions.
        exceptions = [
            {**e, "code": new_code if e["code"] == code else e["code"]}
            for e in version_snapshot(version)["exceptions"]
        ]
    return version_update(
        actor=actor, version=version, categories=categories, exceptions=exceptions
    )


@transaction.atomic
def category_move(*, actor: Actor, version: PolicyVersion, code: str, offset: int) -> PolicyVersion:
    """Move a category up (offset -1) or down (+1) in the list the guard reads."""
    categories = _categories(version)
    index = _index_of(version, categories, code)
    target = max(0, min(len(categories) - 1, index + offset))
    categories.insert(target, categories.pop(index))
    return version_update(actor=actor, version=version, categories=categories)


@transaction.atomic
def category_remove(*, actor: Actor, version: PolicyVersion, code: str) -> PolicyVersion:
    categories = [c for c in _categories(version) if c["code"] != code]
    return version_update(actor=actor, version=version, categories=categories)
