"""Writes for red-line policies: drafting versions, the review workflow, attestations, reviews."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.public import (
    Actor,
    ApplicationError,
    ConflictError,
    PermissionDenied,
    Role,
    actor_user,
    audit_record,
    field_changes,
    notify,
    users_with_role,
)
from governance.policies.default_taxonomy import DEFAULT_POLICY_SLUG, default_categories
from governance.policies.guard_prompt import GuardCategory, category_problems
from governance.policies.models import (
    Policy,
    PolicyAttestation,
    PolicyCategory,
    PolicyException,
    PolicyTransition,
    PolicyVersion,
)
from governance.policies.permissions import ACCESS

Status = PolicyVersion.Status

# Which status each workflow verb moves the latest version from, and to.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({Status.DRAFT}), Status.IN_REVIEW),
    "approve": (frozenset({Status.IN_REVIEW}), Status.APPROVED),
    "publish": (frozenset({Status.APPROVED}), Status.PUBLISHED),
    "reject": (frozenset({Status.IN_REVIEW, Status.APPROVED}), Status.DRAFT),
    "retire": (
        frozenset({Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED}),
        Status.RETIRED,
    ),
}
# The access rule each verb needs: Legal alone approves, publishes and retires.
TRANSITION_RULES = {
    "submit": "edit",
    "approve": "publish",
    "publish": "publish",
    "reject": "publish",
    "retire": "publish",
}
CATEGORY_FIELDS = ("code", "name", "description", "action", "enabled")


# --- categories and exceptions: validation -------------------------------------------------


def _clean_category(raw: Mapping[str, Any], index: int) -> dict[str, Any]:
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


def _check_categories(categories: Sequence[Mapping[str, Any]]) -> None:
    problems = category_problems(
        [GuardCategory(c["code"], c["name"], c.get("description", "")) for c in categories]
    )
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid_categories")


def _clean_exceptions(
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


def _version_snapshot(version: PolicyVersion) -> dict[str, Any]:
    return {
        "summary": version.summary,
        "categories": [
            {field: getattr(c, field) for field in CATEGORY_FIELDS}
            for c in version.categories.all()
        ],
        "exceptions": [
            {"scope": e.scope, "code": e.code, "reason": e.reason} for e in version.exceptions.all()
        ],
    }


def _write_categories(version: PolicyVersion, categories: Sequence[Mapping[str, Any]]) -> None:
    version.categories.all().delete()
    PolicyCategory.objects.bulk_create(
        PolicyCategory(version=version, position=index, **category)
        for index, category in enumerate(categories, start=1)
    )


def _write_exceptions(version: PolicyVersion, exceptions: Sequence[Mapping[str, str]]) -> None:
    version.exceptions.all().delete()
    PolicyException.objects.bulk_create(
        PolicyException(version=version, **exception) for exception in exceptions
    )


def _require_draft(version: PolicyVersion) -> None:
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


def _locked_version(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)


def _transition_record(
    *, version: PolicyVersion, from_status: str, actor: Actor, note: str = ""
) -> PolicyTransition:
    return PolicyTransition.objects.create(
        version=version,
        from_status=from_status,
        to_status=version.status,
        actor=actor_user(actor),
        note=note,
    )


# --- policies -----------------------------------------------------------------------------


def _unique_slug(name: str, slug: str | None) -> str:
    wanted = slugify(slug or name)[:200]
    if not wanted:
        raise ApplicationError("The policy needs a name with letters or digits.")
    if slug and Policy.objects.filter(slug=wanted).exists():
        raise ApplicationError(f"The slug {wanted!r} is taken.", code="duplicate")
    candidate, counter = wanted, 2
    while Policy.objects.filter(slug=candidate).exists():
        candidate = f"{wanted[:190]}-{counter}"
        counter += 1
    return candidate


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
        raise ApplicationError("name is required.")
    if Policy.objects.filter(name__iexact=name).exists():
        raise ApplicationError(f"A policy named {name!r} already exists.", code="duplicate")
    if review_cadence_days < 1:
        raise ApplicationError("review_cadence_days must be at least 1.")
    raw = default_categories() if categories is None else categories
    cleaned = [_clean_category(c, i) for i, c in enumerate(raw)]
    _check_categories(cleaned)
    cleaned_exceptions = _clean_exceptions(exceptions, [c["code"] for c in cleaned])
    policy = Policy.objects.create(
        name=name,
        slug=_unique_slug(name, slug),
        description=description.strip(),
        owner=owner or actor_user(actor),
        review_cadence_days=review_cadence_days,
    )
    policy.approvers.set(list(approvers))
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        summary=summary or "First version",
        created_by=actor_user(actor),
    )
    _write_categories(version, cleaned)
    _write_exceptions(version, cleaned_exceptions)
    _transition_record(version=version, from_status="", actor=actor, note="Created")
    audit_record(actor=actor, target=policy, action="policy.create")
    return policy


POLICY_FIELDS = ("name", "description", "owner", "review_cadence_days", "next_review_on")


@transaction.atomic
def policy_update(
    *, actor: Actor, policy: Policy, approvers: Iterable[User] | None = None, **fields: Any
) -> Policy:
    """Change a policy's own facts (not its categories: those live in versions)."""
    ACCESS.require(actor, "edit")
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ApplicationError(f"Cannot change {', '.join(sorted(unknown))} here.")
    before = {field: getattr(policy, field) for field in fields}
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        clash = Policy.objects.filter(name__iexact=fields["name"]).exclude(pk=policy.pk)
        if not fields["name"] or clash.exists():
            raise ApplicationError("The name is empty or taken.", code="duplicate")
    if "review_cadence_days" in fields and fields["review_cadence_days"] < 1:
        raise ApplicationError("review_cadence_days must be at least 1.")
    for field, value in fields.items():
        setattr(policy, field, value)
    policy.full_clean()
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


# --- versions -----------------------------------------------------------------------------


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
        snapshot = _version_snapshot(latest)
        _write_categories(draft, snapshot["categories"])
        _write_exceptions(draft, snapshot["exceptions"])
    note = f"Started from version {latest.number}" if latest else "Started"
    _transition_record(version=draft, from_status="", actor=actor, note=note)
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
    version = _locked_version(version)
    _require_draft(version)
    before = _version_snapshot(version)
    if categories is not None:
        cleaned = [_clean_category(c, i) for i, c in enumerate(categories)]
        _check_categories(cleaned)
        codes = [c["code"] for c in cleaned]
        if exceptions is None:
            # Exceptions for categories that are gone go with them.
            exceptions = [e for e in before["exceptions"] if e["code"] in codes]
        _write_categories(version, cleaned)
    else:
        codes = [c["code"] for c in before["categories"]]
    if exceptions is not None:
        _write_exceptions(version, _clean_exceptions(exceptions, codes))
    if summary is not None:
        version.summary = summary.strip()
        version.save(update_fields=["summary"])
    changes = field_changes(before, _version_snapshot(version))
    if changes:
        audit_record(actor=actor, target=version, action="policy_version.update", changes=changes)
    return version


def _draft_categories(version: PolicyVersion) -> list[dict[str, Any]]:
    return [
        {field: getattr(c, field) for field in CATEGORY_FIELDS} for c in version.categories.all()
    ]


@transaction.atomic
def category_add(
    *, actor: Actor, version: PolicyVersion, category: Mapping[str, Any]
) -> PolicyVersion:
    categories = [*_draft_categories(version), dict(category)]
    return version_update(actor=actor, version=version, categories=categories)


@transaction.atomic
def category_change(
    *, actor: Actor, version: PolicyVersion, code: str, changes: Mapping[str, Any]
) -> PolicyVersion:
    categories = _draft_categories(version)
    codes = [c["code"] for c in categories]
    if code not in codes:
        raise ApplicationError(f"Version {version.number} has no category {code}.")
    index = codes.index(code)
    categories[index] = {**categories[index], **changes}
    exceptions = None
    new_code = str(categories[index].get("code") or "").strip()
    if new_code != code:
        # A renamed code keeps its exceptions.
        exceptions = [
            {**e, "code": new_code if e["code"] == code else e["code"]}
            for e in _version_snapshot(version)["exceptions"]
        ]
    return version_update(
        actor=actor, version=version, categories=categories, exceptions=exceptions
    )


@transaction.atomic
def category_move(*, actor: Actor, version: PolicyVersion, code: str, offset: int) -> PolicyVersion:
    """Move a category up (offset -1) or down (+1) in the list the guard reads."""
    categories = _draft_categories(version)
    codes = [c["code"] for c in categories]
    if code not in codes:
        raise ApplicationError(f"Version {version.number} has no category {code}.")
    index = codes.index(code)
    target = max(0, min(len(categories) - 1, index + offset))
    categories.insert(target, categories.pop(index))
    return version_update(actor=actor, version=version, categories=categories)


@transaction.atomic
def category_remove(*, actor: Actor, version: PolicyVersion, code: str) -> PolicyVersion:
    categories = [c for c in _draft_categories(version) if c["code"] != code]
    return version_update(actor=actor, version=version, categories=categories)


@transaction.atomic
def exception_add(
    *, actor: Actor, version: PolicyVersion, scope: str, code: str, reason: str
) -> PolicyVersion:
    exceptions = _version_snapshot(version)["exceptions"] + [
        {"scope": scope, "code": code, "reason": reason}
    ]
    return version_update(actor=actor, version=version, exceptions=exceptions)


@transaction.atomic
def exception_remove(
    *, actor: Actor, version: PolicyVersion, scope: str, code: str
) -> PolicyVersion:
    exceptions = [
        e
        for e in _version_snapshot(version)["exceptions"]
        if (e["scope"], e["code"]) != (scope, code)
    ]
    return version_update(actor=actor, version=version, exceptions=exceptions)


# --- workflow -----------------------------------------------------------------------------


def version_publish_problems(version: PolicyVersion) -> list[str]:
    """Why this version cannot be put to the guard (empty when it can)."""
    categories = list(version.categories.all())
    problems = category_problems([GuardCategory(c.code, c.name) for c in categories])
    if not any(c.enabled for c in categories):
        problems.insert(0, "The version has no enabled category.")
    codes = {c.code for c in categories}
    for exception in version.exceptions.all():
        if exception.code not in codes:
            problems.append(f"The exception for {exception.scope} names unknown {exception.code}.")
    return problems


def _approver_check(actor: Actor, policy: Policy) -> None:
    approvers = list(policy.approvers.all())
    if approvers and actor not in approvers and not actor.is_superuser:
        names = ", ".join(sorted(u.username for u in approvers))
        raise PermissionDenied(f"Only this policy's approvers may approve it: {names}.")


@transaction.atomic
def policy_transition(*, actor: Actor, policy: Policy, verb: str, note: str = "") -> PolicyVersion:
    """Move the policy's latest version by one workflow step (`TRANSITIONS`), recorded."""
    if verb not in TRANSITIONS:
        raise ApplicationError(f"Unknown transition {verb!r}.")
    ACCESS.require(actor, TRANSITION_RULES[verb])
    Policy.objects.select_for_update().filter(pk=policy.pk).first()
    latest = policy.versions.order_by("-number").first()
    if latest is None:
        raise ConflictError("The policy has no version yet.")
    version = _locked_version(latest)
    sources, target = TRANSITIONS[verb]
    if version.status not in sources:
        allowed = ", ".join(sorted(Status(s).label.lower() for s in sources))
        raise ConflictError(
            f"Cannot {verb} version {version.number}: it is "
            f"{version.get_status_display().lower()} (needs {allowed}).",
            code="bad_transition",
        )
    if (
        verb == "retire"
        and version.status == Status.PUBLISHED
        and policy.slug == DEFAULT_POLICY_SLUG
    ):
        # Monitoring falls back to this policy: it must always have a version in force.
        raise ConflictError(
            "The default policy must keep a published version; publish a new one instead.",
            code="default_policy",
        )
    if verb in ("submit", "approve", "publish"):
        problems = version_publish_problems(version)
        if problems:
            raise ApplicationError(" ".join(problems), code="invalid_categories")
    if verb == "approve":
        _approver_check(actor, version.policy)
    from_status = version.status
    now = timezone.now()
    if verb == "publish":
        previous = policy.versions.filter(status=Status.PUBLISHED).first()
        if previous is not None:
            previous.status = Status.RETIRED
            previous.save(update_fields=["status"])
            _transition_record(
                version=previous,
                from_status=Status.PUBLISHED,
                actor=actor,
                note=f"Replaced by version {version.number}",
            )
        version.published_at = now
        policy.next_review_on = timezone.localdate() + datetime.timedelta(
            days=policy.review_cadence_days
        )
        policy.save(update_fields=["next_review_on", "updated_at"])
    version.status = target
    version.save(update_fields=["status", "published_at"])
    _transition_record(version=version, from_status=from_status, actor=actor, note=note)
    audit_record(
        actor=actor,
        target=version,
        action=f"policy_version.{verb}",
        changes={"status": [from_status, version.status]},
        note=note,
    )
    if verb == "publish":
        _ask_for_attestation(policy=policy, version=version, actor=actor)
    elif verb == "submit":
        _ask_for_approval(policy=policy, version=version, actor=actor, note=note)
    return version


def _ask_for_approval(*, policy: Policy, version: PolicyVersion, actor: Actor, note: str) -> None:
    """The policy's approvers (or everyone in Legal) hear that a version awaits them."""
    approvers = list(policy.approvers.filter(is_active=True))
    if not approvers:
        approvers = list(users_with_role(Role.LEGAL))
    notify(
        users=[user for user in approvers if user.pk != actor.pk],
        title=f"{policy.name} v{version.number} awaits approval",
        body=note or version.summary or "A new version of this red-line policy is in review.",
        url=reverse("policies:version", args=[policy.pk, version.number]),
    )


def _ask_for_attestation(*, policy: Policy, version: PolicyVersion, actor: Actor) -> None:
    """Everyone who read an earlier version (and the owner) is asked to read this one."""
    readers = (
        User.objects.filter(
            Q(policy_attestations__version__policy=policy) | Q(pk=policy.owner_id), is_active=True
        )
        .exclude(pk=actor.pk)
        .distinct()
    )
    url = reverse("policies:published", args=[policy.pk])
    notify(
        users=list(readers),
        title=f"{policy.name} v{version.number} is published: please read and confirm",
        body=version.summary or "A new version of this red-line policy is in force.",
        url=url,
    )


# --- attestations -------------------------------------------------------------------------


@transaction.atomic
def policy_attest(*, actor: User, policy: Policy) -> PolicyAttestation:
    """Record that `actor` has read the published version (idempotent)."""
    ACCESS.require(actor, "attest")
    user = actor
    version = policy.versions.filter(status=Status.PUBLISHED).first()
    if version is None:
        raise ConflictError(f"{policy.name} has no published version to confirm.")
    try:
        with transaction.atomic():
            attestation, _ = PolicyAttestation.objects.get_or_create(version=version, user=user)
    except IntegrityError:  # a concurrent click won the race
        attestation = PolicyAttestation.objects.get(version=version, user=user)
    return attestation


# --- periodic review ----------------------------------------------------------------------


@transaction.atomic
def policy_review_complete(*, actor: Actor, policy: Policy, note: str = "") -> Policy:
    """Legal reviewed the policy and it still holds: the next review is one cadence away."""
    ACCESS.require(actor, "edit")
    before = policy.next_review_on
    policy.next_review_on = timezone.localdate() + datetime.timedelta(
        days=policy.review_cadence_days
    )
    policy.save(update_fields=["next_review_on", "updated_at"])
    audit_record(
        actor=actor,
        target=policy,
        action="policy.review",
        changes=field_changes(
            {"next_review_on": before}, {"next_review_on": policy.next_review_on}
        ),
        note=note,
    )
    return policy


def policies_review_overdue_notify(*, actor: Actor, today: datetime.date | None = None) -> int:
    """Remind the owners of policies past their review date, once per review date."""
    ACCESS.require(actor, "edit")
    today = today or timezone.localdate()
    reminded = 0
    overdue = Policy.objects.filter(next_review_on__lt=today).select_related("owner")
    for policy in overdue:
        with transaction.atomic():
            locked = Policy.objects.select_for_update().get(pk=policy.pk)
            if locked.review_reminded_for == locked.next_review_on:
                continue
            if locked.owner is not None and locked.owner.is_active:
                days = (today - locked.next_review_on).days
                notify(
                    users=[locked.owner],
                    title=f"Review overdue: {locked.name}",
                    body=f"The periodic review was due on {locked.next_review_on:%Y-%m-%d} "
                    f"({days} days ago). Review the policy, or start a new version.",
                    url=reverse("policies:detail", args=[locked.pk]),
                )
            locked.review_reminded_for = locked.next_review_on
            locked.save(update_fields=["review_reminded_for"])
            reminded += 1
    return reminded
