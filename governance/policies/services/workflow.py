"""Moves a version through the workflow (`governance.policies.workflow.TRANSITIONS`), recorded,
audited, and announced to whoever must act next."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.public import (
    Actor,
    ApplicationError,
    ConflictError,
    PermissionDenied,
    Role,
    actor_user,
    audit_record,
    notify,
    users_with_role,
)
from governance.policies import workflow
from governance.policies.default_taxonomy import DEFAULT_POLICY_SLUG
from governance.policies.models import Policy, PolicyVersion
from governance.policies.permissions import ACCESS
from governance.policies.selectors import version_publish_problems
from governance.policies.services.records import transition_record, version_locked

Status = PolicyVersion.Status


@transaction.atomic
def policy_transition(*, actor: Actor, policy: Policy, verb: str, note: str = "") -> PolicyVersion:
    """Apply one workflow verb to the version the table says it acts on; return that version."""
    step = workflow.transition_get(verb)
    if step is None:
        raise ApplicationError(f"Unknown transition {verb!r}.", code="unknown_transition")
    ACCESS.require(actor, step.rule)
    Policy.objects.select_for_update().filter(pk=policy.pk).first()
    versions = policy.versions.order_by("-number")
    subject = workflow.subject_version(
        step, latest=versions.first(), in_force=versions.filter(status=Status.PUBLISHED).first()
    )
    if subject is None:
        if step.subject is workflow.Subject.IN_FORCE:
            raise ConflictError(
                f"Cannot {verb}: {policy.name} has no published version.",
                code="bad_transition",
            )
        raise ConflictError("The policy has no version yet.", code="bad_transition")
    version = version_locked(subject)
    if not step.applies_to(version):
        allowed = ", ".join(sorted(Status(s).label.lower() for s in step.sources))
        raise ConflictError(
            f"Cannot {verb} version {version.number}: it is "
            f"{version.get_status_display().lower()} (needs {allowed}).",
            code="bad_transition",
        )
    if step.target == Status.RETIRED and policy.slug == DEFAULT_POLICY_SLUG:
        # Monitoring falls back to this policy: it must always have a version in force.
        raise ConflictError(
            "The default policy must keep a published version; publish a new one instead.",
            code="default_policy",
        )
    if step.needs_valid:
        problems = version_publish_problems(version)
        if problems:
            raise ApplicationError(" ".join(problems), code="invalid_categories")
    if step.approvers_only:
        approvers = list(policy.approvers.all())
        if not workflow.approver_allows(actor, approvers):
            names = ", ".join(sorted(u.username for u in approvers))
            raise PermissionDenied(f"Only this policy's approvers may approve it: {names}.")
    from_status = version.status
    if step.target == Status.PUBLISHED:
        _retire_previous(policy=policy, version=version, actor=actor)
        version.published_at = timezone.now()
        policy.next_review_on = timezone.localdate() + datetime.timedelta(
            days=policy.review_cadence_days
        )
        policy.save(update_fields=["next_review_on", "updated_at"])
    version.status = step.target
    version.save(update_fields=["status", "published_at"])
    transition_record(version=version, from_status=from_status, actor=actor, note=note)
    audit_record(
        actor=actor,
        target=version,
        action=f"policy_version.{verb}",
        changes={"status": [from_status, version.status]},
        note=note,
    )
    if step.target == Status.PUBLISHED:
        _ask_for_attestation(policy=policy, version=version, actor=actor)
    elif step.target == Status.IN_REVIEW:
        _ask_for_approval(policy=policy, version=version, actor=actor, note=note)
    return version


def _retire_previous(*, policy: Policy, version: PolicyVersion, actor: Actor) -> None:
    previous = policy.versions.filter(status=Status.PUBLISHED).first()
    if previous is None:
        return
    previous.status = Status.RETIRED
    previous.save(update_fields=["status"])
    transition_record(
        version=previous,
        from_status=Status.PUBLISHED,
        actor=actor,
        note=f"Replaced by version {version.number}",
    )


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
    readers = User.objects.filter(
        Q(policy_attestations__version__policy=policy) | Q(pk=policy.owner_id), is_active=True
    ).distinct()
    acting_user = actor_user(actor)
    if acting_user is not None:
        readers = readers.exclude(pk=acting_user.pk)
    notify(
        users=list(readers),
        title=f"{policy.name} v{version.number} is published: please read and confirm",
        body=version.summary or "A new version of this red-line policy is in force.",
        url=reverse("policies:published", args=[policy.pk]),
    )
