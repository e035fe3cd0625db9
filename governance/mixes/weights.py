"""The weight rule of a mix component, the one copy that the service, the builder form and
the API serializer all apply: a finite number greater than zero."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

DEFAULT_WEIGHT = 1.0


class WeightInvalid(ValueError):
    """The weight breaks the rule; the message says why."""


def mix_weight_clean(value: object) -> float:
    """`value` as a weight, or WeightInvalid."""
    try:
        weight = float(value)  # type: ignore[arg-type]  # any input; float() decides
    except (TypeError, ValueError):
        raise WeightInvalid(_("the weight must be a number.")) from None
    if not math.isfinite(weight):
        raise WeightInvalid(_("the weight must be a number."))
    if weight <= 0:
        raise WeightInvalid(_("the weight must be greater than zero."))
    return weight
