"""Writes for dataset records: create, edit and delete, each keeping the stored verdict fresh."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from core.public import (
    Actor,
    ApplicationError,
    ConflictError,
    actor_user,
    audit_record,
    field_changes,
)
from governance import licensing, selectors
from governance.datasets.fields import DATASET_FIELDS, LIST_FIELDS, VERDICT_FIELDS
from governance.licenses.expressions import license_expression_clean
from governance.models import DATASET_NAME_UNIQUE, Dataset, ReviewStatus, TrainingMix
from governance.permissions import ACCESS
from governance.unique_names import name_unique


def dataset_verdict_refresh(dataset: Dataset) -> licensing.Verdict:
    """Recompute the verdict stored on `dataset` (not saved)."""
    verdict = selectors.dataset_verdict(dataset)
    dataset.verdict = verdict.as_dict()
    dataset.commercial_use = verdict.commercial_use
    dataset.needs_legal_review = verdict.needs_legal_review
    return verdict


def dataset_snapshot(dataset: Dataset) -> dict[str, Any]:
    """The fields the audit log compares, with the steward as a user name."""
    data = model_to_dict(dataset, fields=[*DATASET_FIELDS, "status"])
    data["steward"] = dataset.steward.get_username() if dataset.steward else None
    return data


def _apply(dataset: Dataset, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(DATASET_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown dataset fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        if name == "license_expression":
            value = license_expression_clean(value or "")
        elif name in LIST_FIELDS:
            value = [str(item).strip() for item in value or [] if str(item).strip()]
        elif isinstance(value, str):
            value = value.strip()
        setattr(dataset, name, value)
    if (
        dataset.generated_by
        and dataset.collection_method != Dataset.CollectionMethod.MODEL_GENERATED
    ):
        # Naming the generating model is what makes data model-generated.
        dataset.collection_method = Dataset.CollectionMethod.MODEL_GENERATED
    if dataset.collection_method == Dataset.CollectionMethod.CRAWL:
        dataset.web_crawled = True


def _save(dataset: Dataset) -> None:
    """Save, with a clash of names (ignoring case) reported on the name field."""
    with name_unique(DATASET_NAME_UNIQUE, f"A dataset named '{dataset.name}' already exists."):
        dataset.save()


@transaction.atomic
def dataset_create(*, actor: Actor, name: str, **fields: Any) -> Dataset:
    ACCESS.require(actor, "edit")
    dataset = Dataset(created_by=actor_user(actor))
    fields.setdefault("steward", actor_user(actor))
    _apply(dataset, {"name": name, **fields})
    dataset.full_clean(validate_constraints=False)
    dataset_verdict_refresh(dataset)
    _save(dataset)
    filled = {k: v for k, v in dataset_snapshot(dataset).items() if v not in (None, "", [], False)}
    audit_record(
        actor=actor, target=dataset, action="dataset.create", changes=field_changes({}, filled)
    )
    return dataset


@transaction.atomic
def dataset_update(*, actor: Actor, dataset: Dataset, **fields: Any) -> Dataset:
    """Edit a dataset; a change to what its verdict depends on sends it back to draft."""
    ACCESS.require(actor, "edit")
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    before = dataset_snapshot(dataset)
    _apply(dataset, fields)
    dataset.full_clean(validate_constraints=False)
    after = dataset_snapshot(dataset)
    changes = field_changes(before, after)
    note = ""
    if dataset.status != ReviewStatus.DRAFT and VERDICT_FIELDS & set(changes):
        dataset.status = ReviewStatus.DRAFT
        changes["status"] = [before["status"], dataset.status]
        note = "License or content changed: the dataset needs a new legal review."
    dataset_verdict_refresh(dataset)
    _save(dataset)
    if changes:
        audit_record(
            actor=actor, target=dataset, action="dataset.update", changes=changes, note=note
        )
    return dataset


@transaction.atomic
def dataset_delete(*, actor: Actor, dataset: Dataset) -> None:
    ACCESS.require(actor, "edit")
    mixes = list(
        TrainingMix.objects.filter(components__dataset=dataset).values_list("name", flat=True)
    )
    if mixes:
        raise ConflictError(
            f"'{dataset.name}' is used by the training mix(es) {', '.join(sorted(mixes))}; "
            "remove it from them first."
        )
    audit_record(actor=actor, target=dataset, action="dataset.delete")
    dataset.delete()
