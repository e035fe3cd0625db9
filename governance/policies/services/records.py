"""The rows a version is made of (categories, exceptions, its workflow record), written whole."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.public import Actor, ConflictError, actor_user
from governance.policies.models import (
    CATEGORY_FIELDS,
    EXCEPTION_FIELDS,
    PolicyCategory,
    PolicyException,
    PolicyTransition,
    PolicyVersion,
)

Status = PolicyVersion.Status


def version_snapshot(version: PolicyVersion) -> dict[str, Any]:
    """A version's summary, categories and exceptions as plain values (for audit diffs)."""
    return {
        "summary": version.summary,
        "categories": [
            {field: getattr(c, field) for field in CATEGORY_FIELDS}
            for c in version.categories.all()
        ],
        "exceptions": [
            {field: getattr(e, field) for field in EXCEPTION_FIELDS}
            for e in version.exceptions.all()
        ],
    }


def categories_write(version: PolicyVersion, categories: Sequence[Mapping[str, Any]]) -> None:
    version.categories.all().delete()
    PolicyCategory.objects.bulk_create(
        PolicyCategory(version=version, position=index, **category)
        for index, category in enumerate(categories, start=1)
    )


def exceptions_write(version: PolicyVersion, exceptions: Sequence[Mapping[str, str]]) -> None:
    version.exceptions.all().delete()
    PolicyException.objects.bulk_create(
        PolicyException(version=version, **exception) for exception in exceptions
    )


def version_locked(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)


def version_require_draft(version: PolicyVersion) -> None:
    if version.status == Status.PUBLISHED:
        raise ConflictError(
            f"Version {version.number} is published and cannot change; start a new draft.",
            code="immutable",
        )
    if version.status != Status.DRAFT:
        raise ConflictError(
            f"Version {version.number} is {version.get_status_display().lower()}; "
            "only a draft can be edited.",
            code="not_draft",
        )


def transition_record(
    *, version: PolicyVersion, from_status: str, actor: Actor, note: str = ""
) -> PolicyTransition:
    return PolicyTransition.objects.create(
        version=version,
        from_status=from_status,
        to_status=version.status,
        actor=actor_user(actor),
        note=note,
    )
