"""Legal review of training mixes: submit, approve (only when every dataset is cleared) and
reject."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.public import (
    Actor,
    ApplicationError,
    ConflictError,
    InvalidInput,
    Role,
    actor_user,
    audit_record,
    field_changes,
    notify,
    users_with_role,
)
from governance import selectors
from governance.models import TrainingMix
from governance.permissions import ACCESS


def _transition(mix: TrainingMix, *, actor: Actor, to: str, verb: str, note: str) -> None:
    before = {"status": mix.status}
    mix.status = to
    if verb in ("approve", "reject"):
        mix.reviewer = actor_user(actor)
        mix.reviewed_at = timezone.now()
        mix.decision_note = note
    mix.save()
    audit_record(
        actor=actor,
        target=mix,
        action=f"training_mix.{verb}",
        changes=field_changes(before, {"status": mix.status}),
        note=note,
    )


def _in_review(mix: TrainingMix, verb: str) -> TrainingMix:
    mix = TrainingMix.objects.select_for_update().get(pk=mix.pk)
    if mix.status != TrainingMix.Status.IN_REVIEW:
        raise ConflictError(
            f"'{mix.name}' is {mix.get_status_display().lower()}; "
            f"only a mix in legal review can be {verb}."
        )
    return mix


@transaction.atomic
def training_mix_submit(*, actor: Actor, mix: TrainingMix, note: str = "") -> TrainingMix:
    ACCESS.require(actor, "edit")
    mix = TrainingMix.objects.select_for_update().get(pk=mix.pk)
    if mix.status not in (TrainingMix.Status.DRAFT, TrainingMix.Status.REJECTED):
        raise ConflictError(
            f"'{mix.name}' is {mix.get_status_display().lower()}; "
            "only a draft or a rejected mix can be submitted."
        )
    if not mix.components.exists():
        raise ApplicationError(f"Add datasets to '{mix.name}' before submitting it.")
    _transition(mix, actor=actor, to=TrainingMix.Status.IN_REVIEW, verb="submit", note=note)
    notify(
        users=[user for user in users_with_role(Role.LEGAL) if user.pk != actor.pk],
        title=f"Training mix awaiting legal review: {mix.name}",
        body=f"{actor} submitted the training mix '{mix.name}'.",
        url=mix.get_absolute_url(),
    )
    return mix


@transaction.atomic
def training_mix_approve(*, actor: Actor, mix: TrainingMix, note: str = "") -> TrainingMix:
    """Legal approves a mix whose datasets are all approved and free of conflicts."""
    ACCESS.require(actor, "review")
    mix = _in_review(mix, "approved")
    problems = selectors.training_mix_dataset_problems(mix)
    if problems:
        raise ConflictError(
            f"'{mix.name}' cannot be approved: " + " ".join(problems),
            extra={"blockers": problems},
        )
    _transition(mix, actor=actor, to=TrainingMix.Status.APPROVED, verb="approve", note=note)
    return mix


@transaction.atomic
def training_mix_reject(*, actor: Actor, mix: TrainingMix, note: str) -> TrainingMix:
    ACCESS.require(actor, "review")
    if not note.strip():
        message = "Say why the mix is rejected."
        raise InvalidInput(message, fields={"note": [message]})
    mix = _in_review(mix, "rejected")
    _transition(mix, actor=actor, to=TrainingMix.Status.REJECTED, verb="reject", note=note.strip())
    return mix
