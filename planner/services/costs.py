"""Writes for cost estimates (training and inference) and the GPU price presets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction

from core.public import Actor, ApplicationError, actor_user, audit_record, field_changes
from planner import costing
from planner.models import CostEstimate, PricePreset, Project
from planner.permissions import ACCESS


def _decimal_dict(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            out[key] = str(value)
        elif isinstance(value, tuple):
            out[key] = [str(v) for v in value]
        else:
            out[key] = value
    return out


class EstimateInputs(TypedDict, total=False):
    """What an estimate is computed from: training fields, or inference fields."""

    tokens: int
    tokens_per_second_per_gpu: Decimal
    gpus: int
    price_per_gpu_hour: Decimal | None
    pricing: str
    requests_per_day: int
    tokens_per_request: int
    price_per_million_tokens: Decimal | None
    serving_tokens_per_second_per_gpu: Decimal | None


@transaction.atomic
def cost_estimate_create(
    *,
    actor: Actor,
    kind: str,
    project: Project | None = None,
    label: str = "",
    preset: PricePreset | None = None,
    **values: Unpack[EstimateInputs],
) -> CostEstimate:
    """Compute and save an estimate; a preset supplies the GPU price when none is given."""
    ACCESS.require(actor, "edit")
    inputs: dict[str, Any] = dict(values)
    if preset is not None and inputs.get("price_per_gpu_hour") is None:
        inputs["price_per_gpu_hour"] = preset.price_low
    estimate = CostEstimate(
        project=project,
        kind=kind,
        label=label,
        preset=preset,
        created_by=actor_user(actor),
        **inputs,
    )
    try:
        if kind == CostEstimate.Kind.TRAINING:
            required = ["tokens", "tokens_per_second_per_gpu", "gpus", "price_per_gpu_hour"]
            _require(inputs, required)
            training = costing.training_estimate(**{name: inputs[name] for name in required})
            estimate.result = _decimal_dict(training.__dict__)
            estimate.cost = training.cost
        elif kind == CostEstimate.Kind.INFERENCE:
            _require(inputs, ["pricing", "requests_per_day", "tokens_per_request"])
            if inputs["pricing"] == CostEstimate.Pricing.API:
                _require(inputs, ["price_per_million_tokens"])
                inference = costing.inference_estimate_api(
                    requests_per_day=inputs["requests_per_day"],
                    tokens_per_request=inputs["tokens_per_request"],
                    price_per_million_tokens=inputs["price_per_million_tokens"],
                )
            else:
                _require(inputs, ["serving_tokens_per_second_per_gpu", "price_per_gpu_hour"])
                inference = costing.inference_estimate_serving(
                    requests_per_day=inputs["requests_per_day"],
                    tokens_per_request=inputs["tokens_per_request"],
                    serving_tokens_per_second_per_gpu=inputs["serving_tokens_per_second_per_gpu"],
                    price_per_gpu_hour=inputs["price_per_gpu_hour"],
                )
            estimate.result = _decimal_dict(inference.__dict__)
            estimate.cost = inference.monthly_cost
        else:
            raise ValidationError({"kind": "kind is training or inference."})
    except ValueError as exc:
        raise ApplicationError(str(exc)) from exc
    estimate.full_clean()
    estimate.save()
    return estimate


def _require(inputs: dict[str, Any], names: list[str]) -> None:
    missing = [name for name in names if inputs.get(name) in (None, "")]
    if missing:
        raise ValidationError({name: "This estimate needs this field." for name in missing})


@transaction.atomic
def price_preset_update(
    *, preset: PricePreset, actor: Actor, price_low: Decimal, price_high: Decimal, name: str = ""
) -> PricePreset:
    ACCESS.require(actor, "edit")
    if price_high < price_low:
        raise ValidationError({"price_high": "The high price cannot be below the low price."})
    before = {"price_low": preset.price_low, "price_high": preset.price_high}
    preset.price_low, preset.price_high = price_low, price_high
    if name:
        preset.name = name
    preset.full_clean()
    preset.save()
    audit_record(
        actor=actor,
        target=preset,
        action="price_preset.update",
        changes=field_changes(before, {"price_low": price_low, "price_high": price_high}),
    )
    return preset
