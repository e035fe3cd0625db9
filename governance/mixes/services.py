"""Writes for training mixes: create, edit (its datasets and their weights) and delete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from core.public import Actor, InvalidInput, actor_user, audit_record, field_changes
from governance.mixes.weights import DEFAULT_WEIGHT, WeightInvalid, mix_weight_clean
from governance.models import TRAINING_MIX_NAME_UNIQUE, Dataset, MixComponent, TrainingMix
from governance.permissions import ACCESS
from governance.unique_names import name_unique


def _component_error(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"components": [message]})


def mix_components_clean(components: Iterable[dict[str, Any]]) -> list[tuple[Dataset, float]]:
    """(dataset, weight) for each `{"dataset": Dataset or id, "weight": ...}`; InvalidInput
    for a missing dataset, a weight that breaks the weight rule, or a dataset given twice."""
    components = list(components)
    ids = {
        int(str(given))
        for given in (c.get("dataset") for c in components)
        if not isinstance(given, Dataset) and str(given).isdigit()
    }
    by_id = Dataset.objects.in_bulk(list(ids)) if ids else {}
    rows: list[tuple[Dataset, float]] = []
    seen: set[int] = set()
    for index, component in enumerate(components):
        given = component.get("dataset")
        if isinstance(given, Dataset):
            dataset: Dataset | None = given
        else:
            dataset = by_id.get(int(str(given))) if str(given).isdigit() else None
        if dataset is None:
            raise _component_error(f"Component {index + 1}: no such dataset.")
        try:
            weight = mix_weight_clean(component.get("weight", DEFAULT_WEIGHT))
        except WeightInvalid as exc:
            raise _component_error(f"{dataset.name}: {exc}") from None
        if dataset.pk in seen:
            raise _component_error(f"{dataset.name} is in the mix twice.")
        seen.add(dataset.pk)
        rows.append((dataset, weight))
    return rows


def mix_snapshot(mix: TrainingMix) -> dict[str, Any]:
    """What the audit log compares: name, description, status and each dataset's weight."""
    return {
        "name": mix.name,
        "description": mix.description,
        "status": mix.status,
        "components": {c.dataset.name: c.weight for c in mix.components.select_related("dataset")},
    }


def _save(mix: TrainingMix) -> None:
    """Save, with a clash of names (ignoring case) reported on the name field."""
    with name_unique(
        TRAINING_MIX_NAME_UNIQUE, f"A training mix named '{mix.name}' already exists."
    ):
        mix.save()


@transaction.atomic
def training_mix_create(
    *,
    actor: Actor,
    name: str,
    description: str = "",
    components: Sequence[dict[str, Any]] = (),
) -> TrainingMix:
    ACCESS.require(actor, "edit")
    rows = mix_components_clean(components)
    mix = TrainingMix(
        name=name.strip(), description=description.strip(), created_by=actor_user(actor)
    )
    mix.full_clean(validate_constraints=False)
    _save(mix)
    MixComponent.objects.bulk_create(
        [MixComponent(mix=mix, dataset=dataset, weight=weight) for dataset, weight in rows]
    )
    audit_record(
        actor=actor,
        target=mix,
        action="training_mix.create",
        changes=field_changes({}, mix_snapshot(mix)),
    )
    return mix


@transaction.atomic
def training_mix_update(
    *,
    actor: Actor,
    mix: TrainingMix,
    name: str | None = None,
    description: str | None = None,
    components: Sequence[dict[str, Any]] | None = None,
) -> TrainingMix:
    """Edit a mix; changing its datasets after a review decision sends it back to draft."""
    ACCESS.require(actor, "edit")
    mix = TrainingMix.objects.select_for_update().get(pk=mix.pk)
    before = mix_snapshot(mix)
    if name is not None:
        mix.name = name.strip()
    if description is not None:
        mix.description = description.strip()
    mix.full_clean(validate_constraints=False)
    note = ""
    if components is not None:
        rows = mix_components_clean(components)
        mix.components.all().delete()
        MixComponent.objects.bulk_create(
            [MixComponent(mix=mix, dataset=dataset, weight=weight) for dataset, weight in rows]
        )
        if (
            mix.status != TrainingMix.Status.DRAFT
            and mix_snapshot(mix)["components"] != before["components"]
        ):
            mix.status = TrainingMix.Status.DRAFT
            note = "The datasets changed: the mix needs a new legal review."
    _save(mix)
    changes = field_changes(before, mix_snapshot(mix))
    if changes:
        audit_record(
            actor=actor, target=mix, action="training_mix.update", changes=changes, note=note
        )
    return mix


@transaction.atomic
def training_mix_delete(*, actor: Actor, mix: TrainingMix) -> None:
    ACCESS.require(actor, "edit")
    if mix.status == TrainingMix.Status.APPROVED:
        ACCESS.require(actor, "review")
    audit_record(actor=actor, target=mix, action="training_mix.delete")
    mix.delete()
