"""Legal review of datasets: submit, approve (with or without conditions), reject, and the
daily flag on reviews whose date has passed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.public import (
    Actor,
    ConflictError,
    InvalidInput,
    Role,
    actor_user,
    audit_record,
    field_changes,
    notify,
    users_with_role,
)
from governance.datasets.services import dataset_verdict_refresh
from governance.models import Dataset, ReviewStatus
from governance.permissions import ACCESS

REVIEW_INTERVAL_DAYS = 365


def _transition(
    dataset: Dataset, *, actor: Actor, to: str, action: str, note: str = "", **extra: Any
) -> Dataset:
    before = {"status": dataset.status, **{name: getattr(dataset, name) for name in extra}}
    dataset.status = to
    for name, value in extra.items():
        setattr(dataset, name, value)
    dataset.save()
    after = {"status": dataset.status, **{name: getattr(dataset, name) for name in extra}}
    audit_record(
        actor=actor, target=dataset, action=action, changes=field_changes(before, after), note=note
    )
    return dataset


@transaction.atomic
def dataset_submit(*, actor: Actor, dataset: Dataset, note: str = "") -> Dataset:
    """Send a draft (or a rejected dataset, once fixed) to Legal's review queue."""
    ACCESS.require(actor, "edit")
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.status not in (ReviewStatus.DRAFT, ReviewStatus.REJECTED):
        raise ConflictError(
            f"'{dataset.name}' is {dataset.get_status_display().lower()}; "
            "only a draft or a rejected dataset can be submitted."
        )
    dataset_verdict_refresh(dataset)
    _transition(dataset, actor=actor, to=ReviewStatus.IN_REVIEW, action="dataset.submit", note=note)
    notify(
        users=[user for user in users_with_role(Role.LEGAL) if user.pk != actor.pk],
        title=f"Dataset awaiting legal review: {dataset.name}",
        body=f"{actor} submitted '{dataset.name}' ({dataset.license_expression or 'no license'}).",
        url=dataset.get_absolute_url(),
    )
    return dataset


def _decide(
    *, actor: Actor, dataset: Dataset, to: str, action: str, note: str, next_review: date | None
) -> Dataset:
    ACCESS.require(actor, "review")
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.status != ReviewStatus.IN_REVIEW:
        raise ConflictError(
            f"'{dataset.name}' is {dataset.get_status_display().lower()}; "
            "only a dataset in legal review can be decided."
        )
    dataset_verdict_refresh(dataset)
    dataset = _transition(
        dataset,
        actor=actor,
        to=to,
        action=action,
        note=note,
        reviewer=actor_user(actor),
        reviewed_at=timezone.now(),
        decision_note=note,
        next_review_date=next_review,
        overdue_notified_at=None,
    )
    if dataset.steward and dataset.steward.pk != actor.pk:
        notify(
            users=[dataset.steward],
            title=f"Dataset {dataset.get_status_display().lower()}: {dataset.name}",
            body=note,
            url=dataset.get_absolute_url(),
        )
    return dataset


@transaction.atomic
def dataset_approve(
    *,
    actor: Actor,
    dataset: Dataset,
    note: str = "",
    conditions: str = "",
    next_review_date: date | None = None,
) -> Dataset:
    """Legal approves; with conditions, the conditions are the decision note."""
    next_review = next_review_date or timezone.localdate() + timedelta(days=REVIEW_INTERVAL_DAYS)
    if next_review <= timezone.localdate():
        message = "The next review date must be in the future."
        raise InvalidInput(message, fields={"next_review_date": [message]})
    if conditions.strip():
        return _decide(
            actor=actor,
            dataset=dataset,
            to=ReviewStatus.APPROVED_WITH_CONDITIONS,
            action="dataset.approve_with_conditions",
            note=conditions.strip() + (f"\n{note.strip()}" if note.strip() else ""),
            next_review=next_review,
        )
    return _decide(
        actor=actor,
        dataset=dataset,
        to=ReviewStatus.APPROVED,
        action="dataset.approve",
        note=note.strip(),
        next_review=next_review,
    )


@transaction.atomic
def dataset_reject(*, actor: Actor, dataset: Dataset, note: str) -> Dataset:
    if not note.strip():
        message = "Say why the dataset is rejected."
        raise InvalidInput(message, fields={"note": [message]})
    return _decide(
        actor=actor,
        dataset=dataset,
        to=ReviewStatus.REJECTED,
        action="dataset.reject",
        note=note.strip(),
        next_review=None,
    )


def datasets_flag_overdue(*, actor: Actor, today: date | None = None) -> int:
    """Notify stewards of datasets whose review date has passed (once per due date)."""
    ACCESS.require(actor, "review")
    today = today or timezone.localdate()
    due = list(
        Dataset.objects.select_related("steward")
        .filter(next_review_date__lt=today, overdue_notified_at__isnull=True)
        .exclude(status=ReviewStatus.IN_REVIEW)
    )
    legal = list(users_with_role(Role.LEGAL))
    for dataset in due:
        with transaction.atomic():
            flagged = Dataset.objects.filter(
                pk=dataset.pk, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=timezone.now())
            if not flagged:
                continue
            audit_record(
                actor=actor,
                target=dataset,
                action="dataset.flag_overdue",
                note=f"The review was due on {dataset.next_review_date:%Y-%m-%d}.",
            )
            notify(
                users=[dataset.steward] if dataset.steward else legal,
                title=f"License review overdue: {dataset.name}",
                body=f"The legal review of '{dataset.name}' was due on "
                f"{dataset.next_review_date:%Y-%m-%d}. Check its license and resubmit it.",
                url=dataset.get_absolute_url(),
            )
    return len(due)
