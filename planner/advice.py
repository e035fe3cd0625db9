"""The source material's model-choice advice as plain rules (section 1, "decision criteria")."""

from __future__ import annotations

SENSITIVE_WITH_API = (
    "Sensitive data: the source recommends an open-source model, so inputs never leave "
    "your infrastructure."
)
SENSITIVE_RECOMMENDATION = "Sensitive data: an open-source model is recommended."


def approach_advice(*, data_sensitivity: str, model_approach: str) -> str:
    """One sentence for the PM, or "" when the choice fits the data."""
    if data_sensitivity != "sensitive":
        return ""
    if model_approach == "api":
        return SENSITIVE_WITH_API
    if model_approach == "open_source":
        return ""
    return SENSITIVE_RECOMMENDATION
