"""Reads for red-line policies: published versions, compiled categories, diffs, attestations."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from core.public import ApplicationError, NotFoundError, Role, users_with_role
from governance.policies.filtersets import PolicyFilterSet
from governance.policies.guard_prompt import (
    GuardCategory,
    GuardPromptError,
    category_problems,
    guard_prompt,
)
from governance.policies.models import (
    Policy,
    PolicyAttestation,
    PolicyTransition,
    PolicyVersion,
    review_overdue_q,
)
from governance.policies.permissions import ACCESS
from governance.policies.policy_diff import PolicyDiff, policy_diff

Status = PolicyVersion.Status


def policy_published_version(policy: Policy) -> PolicyVersion | None:
    """The version in force for `policy`, or None when nothing is published."""
    return (
        PolicyVersion.objects.filter(policy=policy, status=Status.PUBLISHED)
        .select_related("policy")
        .first()
    )


def guard_categories(version: PolicyVersion, *, scope: str | None = None) -> list[GuardCategory]:
    """The enabled categories of `version` in order, minus those excepted for `scope`."""
    excluded: set[str] = set()
    if scope:
        excluded = set(version.exceptions.filter(scope=scope).values_list("code", flat=True))
    return [
        GuardCategory(c.code, c.name, c.description)
        for c in version.categories.filter(enabled=True).order_by("position")
        if c.code not in excluded
    ]


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


def category_actions(version: PolicyVersion) -> dict[str, str]:
    """`{code: action}` for the enabled categories: what to do when the guard names one."""
    return dict(version.categories.filter(enabled=True).values_list("code", "action"))


def policy_latest_version(policy: Policy) -> PolicyVersion | None:
    return policy.versions.order_by("-number").first()


def policy_version_get(policy: Policy, number: int) -> PolicyVersion:
    version = policy.versions.filter(number=number).first()
    if version is None:
        raise NotFoundError(f"{policy.name} has no version {number}.")
    return version


def policy_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Policy]:
    """Policies with their latest version's number and status and the published number,
    narrowed by `PolicyFilterSet` when `filters` are given."""
    latest = PolicyVersion.objects.filter(policy=OuterRef("pk")).order_by("-number")
    published = PolicyVersion.objects.filter(policy=OuterRef("pk"), status=Status.PUBLISHED)
    policies = (
        Policy.objects.select_related("owner")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            published_number=Subquery(published.values("number")[:1]),
        )
        .order_by("name")
    )
    if filters is not None:
        policies = PolicyFilterSet(filters, queryset=policies).qs
    return policies


def review_state(policy: Policy, *, today: datetime.date | None = None) -> str:
    """ "overdue", "soon", "ok" or "unscheduled" for the review badge."""
    return policy.review_state_on(today or timezone.localdate())


def policies_review_overdue(*, today: datetime.date | None = None) -> QuerySet[Policy]:
    return Policy.objects.filter(review_overdue_q(today)).order_by("next_review_on")


def version_categories_snapshot(version: PolicyVersion) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "description": c.description,
            "action": c.action,
            "enabled": c.enabled,
        }
        for c in version.categories.all()
    ]


def version_exceptions_snapshot(version: PolicyVersion) -> list[dict[str, str]]:
    return [
        {"scope": e.scope, "code": e.code, "reason": e.reason} for e in version.exceptions.all()
    ]


def version_diff(old: PolicyVersion, new: PolicyVersion) -> PolicyDiff:
    return policy_diff(
        version_categories_snapshot(old),
        version_categories_snapshot(new),
        version_exceptions_snapshot(old),
        version_exceptions_snapshot(new),
    )


@dataclass(frozen=True)
class GuardPromptPreview:
    prompt: str
    version: PolicyVersion
    codes: list[str]


def guard_prompt_preview(
    *,
    policy: Policy,
    conversation: Sequence[Mapping[str, str]],
    scope: str | None = None,
    role: str = "Agent",
    with_descriptions: bool = False,
    version_number: int | None = None,
) -> GuardPromptPreview:
    """The exact text the guard will read for this conversation under the policy."""
    if version_number is None:
        version = policy_published_version(policy)
        if version is None:
            raise ApplicationError(
                f"{policy.name} has no published version; name a version to preview a draft.",
                code="not_published",
            )
    else:
        version = policy_version_get(policy, version_number)
    categories = guard_categories(version, scope=scope)
    try:
        prompt = guard_prompt(
            categories, conversation, role=role, with_descriptions=with_descriptions
        )
    except GuardPromptError as exc:
        if not categories:
            raise ApplicationError(
                f"Version {version.number} has no enabled category"
                + (f" left in scope {scope}." if scope else "."),
                code="no_categories",
            ) from exc
        raise ApplicationError(str(exc)) from exc
    return GuardPromptPreview(prompt=prompt, version=version, codes=[c.code for c in categories])


def published_versions() -> QuerySet[PolicyVersion]:
    """Every version in force, one per policy, with what the guard needs prefetched."""
    return (
        PolicyVersion.objects.filter(status=Status.PUBLISHED)
        .select_related("policy")
        .prefetch_related("categories", "exceptions")
        .order_by("policy__name")
    )


# --- attestations -------------------------------------------------------------------------


def attestation_candidates() -> QuerySet[User]:
    """The active people asked to read published policies (the roles allowed to attest)."""
    return users_with_role(*(role for role in ACCESS.roles_for("attest") if role != Role.ADMIN))


def owner_candidates() -> QuerySet[User]:
    """Who may own a policy (and hear about its overdue reviews): Legal and PMs."""
    return users_with_role(Role.LEGAL, Role.PM)


def approver_candidates() -> QuerySet[User]:
    """Who may be named a policy's approver: only Legal approves (see `permissions`)."""
    return users_with_role(Role.LEGAL)


@dataclass(frozen=True)
class AttestationStatus:
    version: PolicyVersion | None
    attested: list[PolicyAttestation]
    pending: list[User]


def attestation_status(policy: Policy) -> AttestationStatus:
    """Who has and has not confirmed reading the published version."""
    version = policy_published_version(policy)
    if version is None:
        return AttestationStatus(None, [], [])
    attested = list(version.attestations.select_related("user").order_by("user__username"))
    done = {a.user_id for a in attested}
    pending = [u for u in attestation_candidates().order_by("username") if u.pk not in done]
    return AttestationStatus(version, attested, pending)


def user_attestation(user: User, policy: Policy) -> PolicyAttestation | None:
    version = policy_published_version(policy)
    if version is None or not user.is_authenticated:
        return None
    return PolicyAttestation.objects.filter(version=version, user=user).first()


def policies_awaiting_attestation(user: User) -> QuerySet[PolicyVersion]:
    """Published versions `user` has not confirmed yet."""
    return (
        PolicyVersion.objects.filter(status=Status.PUBLISHED)
        .exclude(Exists(PolicyAttestation.objects.filter(version=OuterRef("pk"), user=user)))
        .select_related("policy")
        .order_by("policy__name")
    )


def published_versions_attested_by(user: User) -> QuerySet[PolicyVersion]:
    """Every version in force, each annotated `attested`: has `user` confirmed reading it?"""
    return (
        PolicyVersion.objects.filter(status=Status.PUBLISHED)
        .annotate(
            attested=Exists(PolicyAttestation.objects.filter(version=OuterRef("pk"), user=user))
        )
        .select_related("policy")
        .order_by("policy__name")
    )


def version_transitions(version: PolicyVersion) -> QuerySet[PolicyTransition]:
    return version.transitions.select_related("actor")


def policy_transitions(policy: Policy) -> QuerySet[PolicyTransition]:
    return PolicyTransition.objects.filter(version__policy=policy).select_related(
        "actor", "version"
    )
