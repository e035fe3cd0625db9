"""Training and inference cost formulas from the source material (§6), with no Django.

Training: time = tokens ÷ (tokens/s per GPU x GPUs); cost = hours x GPUs x price per GPU-hour;
restarts and debugging make the real figure 2-3x (shown as a range).
Inference: requests per day x tokens per request, priced either by an API per million tokens
or by always-on serving GPUs sized from their throughput → a monthly figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SECONDS_PER_HOUR = Decimal(3600)
HOURS_PER_DAY = Decimal(24)
DAYS_PER_MONTH = Decimal(30)
# "실제: 재시작, 디버깅 포함하면 2-3배" — real runs cost 2 to 3 times the ideal figure.
REAL_WORLD_MULTIPLIER = (Decimal(2), Decimal(3))
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TrainingEstimate:
    seconds: Decimal
    hours: Decimal
    days: Decimal
    gpu_hours: Decimal
    cost: Decimal
    cost_range: tuple[Decimal, Decimal]
    # The source multiplies whole hours (174 h), so its figure differs from the exact one.
    cost_with_rounded_hours: Decimal


def training_estimate(
    *,
    tokens: int | Decimal,
    tokens_per_second_per_gpu: Decimal | float | int,
    gpus: int,
    price_per_gpu_hour: Decimal | float | int,
) -> TrainingEstimate:
    tokens = Decimal(tokens)
    rate = Decimal(str(tokens_per_second_per_gpu))
    price = Decimal(str(price_per_gpu_hour))
    if tokens <= 0:
        raise ValueError("tokens must be positive.")
    if rate <= 0:
        raise ValueError("tokens_per_second_per_gpu must be positive.")
    if gpus < 1:
        raise ValueError("gpus must be at least 1.")
    if price < 0:
        raise ValueError("price_per_gpu_hour cannot be negative.")
    seconds = tokens / (rate * gpus)
    hours = seconds / SECONDS_PER_HOUR
    days = hours / HOURS_PER_DAY
    gpu_hours = hours * gpus
    cost = gpu_hours * price
    low, high = REAL_WORLD_MULTIPLIER
    rounded_hours = hours.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return TrainingEstimate(
        seconds=seconds.quantize(CENT),
        hours=hours.quantize(CENT),
        days=days.quantize(CENT),
        gpu_hours=gpu_hours.quantize(CENT),
        cost=money(cost),
        cost_range=(money(cost * low), money(cost * high)),
        cost_with_rounded_hours=money(rounded_hours * gpus * price),
    )


@dataclass(frozen=True)
class InferenceEstimate:
    tokens_per_day: int
    tokens_per_month: int
    monthly_cost: Decimal
    gpus_needed: int | None  # only when priced by serving GPUs


def inference_estimate_api(
    *, requests_per_day: int, tokens_per_request: int, price_per_million_tokens: Decimal | float
) -> InferenceEstimate:
    if requests_per_day < 0 or tokens_per_request < 0:
        raise ValueError("Requests and tokens cannot be negative.")
    price = Decimal(str(price_per_million_tokens))
    per_day = requests_per_day * tokens_per_request
    per_month = int(per_day * DAYS_PER_MONTH)
    return InferenceEstimate(
        tokens_per_day=per_day,
        tokens_per_month=per_month,
        monthly_cost=money(Decimal(per_month) / Decimal(1_000_000) * price),
        gpus_needed=None,
    )


def inference_estimate_serving(
    *,
    requests_per_day: int,
    tokens_per_request: int,
    serving_tokens_per_second_per_gpu: Decimal | float,
    price_per_gpu_hour: Decimal | float,
) -> InferenceEstimate:
    """Always-on GPUs: enough to carry the average load, at least one, billed 24 h a day."""
    if requests_per_day < 0 or tokens_per_request < 0:
        raise ValueError("Requests and tokens cannot be negative.")
    throughput = Decimal(str(serving_tokens_per_second_per_gpu))
    if throughput <= 0:
        raise ValueError("The serving throughput must be positive.")
    price = Decimal(str(price_per_gpu_hour))
    per_day = requests_per_day * tokens_per_request
    average_rate = Decimal(per_day) / (HOURS_PER_DAY * SECONDS_PER_HOUR)
    gpus = max(1, math.ceil(average_rate / throughput))
    return InferenceEstimate(
        tokens_per_day=per_day,
        tokens_per_month=int(per_day * DAYS_PER_MONTH),
        monthly_cost=money(gpus * HOURS_PER_DAY * DAYS_PER_MONTH * price),
        gpus_needed=gpus,
    )
