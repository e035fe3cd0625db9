"""Writes on a policy's own facts: create it (with its first draft), change it, delete it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.text import slugify

from core.public import (
    Actor,
    ConflictError,
    InvalidInput,
    actor_user,
    audit_record,
    field_changes,
)
from governance.policies.default_taxonomy import DEFAULT_POLICY_SLUG, default_categories
from governance.policies.models import (
    NAME_UNIQUE,
    SLUG_UNIQUE,
    Policy,
    PolicyVersion,
)
from governance.policies.permissions import ACCESS
from governance.policies.services.records import (
    categories_write,
    exceptions_write,
    transition_record,
)
from governance.policies.services.validation import categories_clean, exceptions_clean


class _Unset:
    """Marks a keyword argument the caller left out (None is a value: "no owner")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


@contextmanager
def _unique_names(name: str, slug: str = "") -> Iterator[None]:
    """The database's case-insensitive uniqueness constraints, said as field errors."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        # psycopg names the violated constraint; the message text is the fallback.
        diagnosis = getattr(exc.__cause__, "diag", None)
        text = getattr(diagnosis, "constraint_name", None) or str(exc)
        if NAME_UNIQUE in text:
            message = f"A policy named {name!r} already exists."
            raise InvalidInput(message, fields={"name": [message]}, code="duplicate") from exc
        if SLUG_UNIQUE in text or "policies_policy_slug_key" in text:
            message = f"The slug {slug!r} is taken."
            raise InvalidInput(message, fields={"slug": [message]}, code="duplicate") from exc
        raise


def _slug_for(name: str, slug: str | None) -> str:
    wanted = slugify(slug or name)[:200]
    if not wanted:
        raise InvalidInput(
            "The policy needs a name with letters or digits.",
            fields={"name": ["The policy needs a name with letters or digits."]},
        )
    if slug:
        return wanted  # asked for by name: taken is an error (the constraint says so)
    # A slug derived from the name picks the first free suffix; a race still ends in the
    # constraint's clear error, never in a duplicate.
    taken = set(Policy.objects.filter(slug__startswith=wanted[:190]).values_list("slug", flat=True))
    candidate, counter = wanted, 2
    while candidate in taken:
        candidate = f"{wanted[:190]}-{counter}"
        counter += 1
    return candidate


def _cadence_check(days: int) -> None:
    if days < 1:
        message = "review_cadence_days must be at least 1."
        raise InvalidInput(message, fields={"review_cadence_days": [message]})


@transaction.atomic
def policy_create(
    *,
    actor: Actor,
    name: str,
    categories: Sequence[Mapping[str, Any]] | None = None,
    exceptions: Sequence[Mapping[str, Any]] = (),
    slug: str | None = None,
    description: str = "",
    owner: User | None = None,
    approvers: Iterable[User] = (),
    review_cadence_days: int = 180,
    summary: str = "",
) -> Policy:
    """A new policy and its first draft. Without `categories` it starts from Llama Guard 3's."""
    ACCESS.require(actor, "edit")
    name = name.strip()
    if not name:
        raise InvalidInput("name is required.", fields={"name": ["name is required."]})
    _cadence_check(review_cadence_days)
    cleaned = categories_clean(default_categories() if categories is None else categories)
    cleaned_exceptions = exceptions_clean(exceptions, [c["code"] for c in cleaned])
    slug = _slug_for(name, slug)
    with _unique_names(name, slug):
        policy = Policy.objects.create(
            name=name,
            slug=slug,
            description=description.strip(),
            owner=owner if owner is not None else actor_user(actor),
            review_cadence_days=review_cadence_days,
        )
    policy.approvers.set(list(approvers))
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        summary=summary or "First version",
        created_by=actor_user(actor),
    )
    categories_write(version, cleaned)
    exceptions_write(version, cleaned_exceptions)
    transition_record(version=version, from_status="", actor=actor, note="Created")
    audit_record(actor=actor, target=policy, action="policy.create")
    return policy


@transaction.atomic
def policy_update(
    *,
    actor: Actor,
    policy: Policy,
    name: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    owner: User | _Unset | None = UNSET,
    approvers: Iterable[User] | None = None,
    review_cadence_days: int | _Unset = UNSET,
    next_review_on: datetime.date | _Unset | None = UNSET,
) -> Policy:
    """Change a policy's own facts (not its categories: those live in versions). Arguments
    left out stay as they are; `approvers=None` leaves the approvers alone."""
    ACCESS.require(actor, "edit")
    fields: dict[str, Any] = {
        key: value
        for key, value in {
            "name": name,
            "description": description,
            "owner": owner,
            "review_cadence_days": review_cadence_days,
            "next_review_on": next_review_on,
        }.items()
        if value is not UNSET
    }
    before = {field: getattr(policy, field) for field in fields}
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"]:
            raise InvalidInput("name is required.", fields={"name": ["name is required."]})
    if "description" in fields:
        fields["description"] = str(fields["description"]).strip()
    if "review_cadence_days" in fields:
        _cadence_check(fields["review_cadence_days"])
    for field, value in fields.items():
        setattr(policy, field, value)
    policy.full_clean(validate_unique=False, validate_constraints=False)
    with _unique_names(policy.name, policy.slug):
        policy.save()
    changes = field_changes(before, fields)
    if approvers is not None:
        old = sorted(u.username for u in policy.approvers.all())
        policy.approvers.set(list(approvers))
        new = sorted(u.username for u in policy.approvers.all())
        if old != new:
            changes["approvers"] = [old, new]
    if changes:
        audit_record(actor=actor, target=policy, action="policy.update", changes=changes)
    return policy


@transaction.atomic
def policy_delete(*, actor: Actor, policy: Policy) -> None:
    """Only a policy that was never published may go; afterwards it is retired instead."""
    ACCESS.require(actor, "edit")
    if policy.slug == DEFAULT_POLICY_SLUG:
        raise ConflictError("The default policy cannot be deleted.")
    if policy.versions.filter(published_at__isnull=False).exists():
        raise ConflictError("This policy has been published; retire it instead of deleting it.")
    try:
        policy.delete()
    except ProtectedError as exc:
        raise ConflictError("Scans refer to this policy; retire it instead.") from exc
