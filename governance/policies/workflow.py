"""The policy workflow in one table: which verb moves which version from which status to which,
and who may use it. The service, the page's buttons and the API's actions all read it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance.policies.models import PolicyVersion
from governance.policies.permissions import ACCESS

Status = PolicyVersion.Status


class Subject(Enum):
    """The version a verb acts on."""

    LATEST = "latest"  # the newest version, whatever its status
    IN_FORCE = "in_force"  # the published version, even while a newer draft is open


@dataclass(frozen=True)
class Transition:
    verb: str
    label: str | Promise
    subject: Subject
    sources: frozenset[str]
    target: str
    rule: str  # the `permissions.ACCESS` rule the actor needs
    # The version must be publishable (`selectors.version_publish_problems` empty) first.
    needs_valid: bool = False
    # Only the policy's named approvers (when it names any) may do it.
    approvers_only: bool = False
    help: str | Promise = ""

    def applies_to(self, version: PolicyVersion | None) -> bool:
        return version is not None and version.status in self.sources


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        _("Submit for review"),
        Subject.LATEST,
        frozenset({Status.DRAFT}),
        Status.IN_REVIEW,
        rule="edit",
        needs_valid=True,
        help=_("Send the latest draft to review."),
    ),
    Transition(
        "approve",
        _("Approve"),
        Subject.LATEST,
        frozenset({Status.IN_REVIEW}),
        Status.APPROVED,
        rule="publish",
        needs_valid=True,
        approvers_only=True,
        help=_("Approve the version in review (Legal; the policy's approvers when it names any)."),
    ),
    Transition(
        "publish",
        _("Publish"),
        Subject.LATEST,
        frozenset({Status.APPROVED}),
        Status.PUBLISHED,
        rule="publish",
        needs_valid=True,
        help=_("Publish the approved version; the previously published one is retired."),
    ),
    Transition(
        "reject",
        _("Send back to draft"),
        Subject.LATEST,
        frozenset({Status.IN_REVIEW, Status.APPROVED}),
        Status.DRAFT,
        rule="publish",
        help=_("Send the version in review (or approved) back to draft."),
    ),
    # Retiring takes the version in force out of force (the page's rule, which won over the
    # service's "retire whatever the latest version is"): a draft is abandoned by editing or
    # deleting it, never by retiring it, and an open draft does not shield the version in force.
    Transition(
        "retire",
        _("Retire"),
        Subject.IN_FORCE,
        frozenset({Status.PUBLISHED}),
        Status.RETIRED,
        rule="publish",
        help=_("Take the published version out of force; the policy is then without one."),
    ),
)
BY_VERB: dict[str, Transition] = {t.verb: t for t in TRANSITIONS}
VERBS: tuple[str, ...] = tuple(BY_VERB)


def transition_get(verb: str) -> Transition | None:
    return BY_VERB.get(verb)


def subject_version(
    transition: Transition, *, latest: PolicyVersion | None, in_force: PolicyVersion | None
) -> PolicyVersion | None:
    """The version `transition` would act on, given the policy's latest and published ones."""
    return latest if transition.subject is Subject.LATEST else in_force


def actor_may(transition: Transition, actor: Any, approvers: Iterable[Any]) -> bool:
    """Does the actor's role (and, for approving, the approver list) allow this verb?"""
    if not ACCESS.allows(actor, transition.rule):
        return False
    return not transition.approvers_only or approver_allows(actor, approvers)


def approver_allows(actor: Any, approvers: Iterable[Any]) -> bool:
    """Named approvers restrict approval to themselves; none named means anyone allowed."""
    named = list(approvers)
    if not named or getattr(actor, "is_system", False) or getattr(actor, "is_superuser", False):
        return True
    return actor in named


def transitions_available(
    *,
    latest: PolicyVersion | None,
    in_force: PolicyVersion | None,
    actor: Any,
    approvers: Iterable[Any] = (),
) -> list[Transition]:
    """The verbs `actor` may use now, in table order: what the page offers as buttons."""
    approvers = list(approvers)
    return [
        t
        for t in TRANSITIONS
        if t.applies_to(subject_version(t, latest=latest, in_force=in_force))
        and actor_may(t, actor, approvers)
    ]


def transitions_from(status: str, subject: Subject) -> list[Transition]:
    """The verbs that apply to a version of `status` when it is the `subject`."""
    return [t for t in TRANSITIONS if t.subject is subject and status in t.sources]
