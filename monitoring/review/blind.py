"""Blind review: what a reviewer may see of why an item is in the queue and what the guard said.

The one rule, read by the queue page and the claim API alike: unless the project chose to show
the guard's verdict, a reviewer sees no guard-derived information, neither the verdict nor a
reason that comes from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitoring.review.models import ReviewReason

# Reasons that exist only because of what the guard said (or failed to say).
GUARD_DERIVED_REASONS = frozenset(
    {
        ReviewReason.UNSAFE,
        ReviewReason.ERROR,
        ReviewReason.GUARD_UNAVAILABLE,
        ReviewReason.TRUNCATED,
        ReviewReason.LOW_CONFIDENCE,
    }
)


@dataclass(frozen=True)
class ReviewerView:
    """What the reviewer is shown: the reasons and, when allowed, the guard's verdict."""

    shows_guard: bool
    reasons: tuple[str, ...]
    guard_verdict: str | None


def reviewer_view(
    *, reasons: Iterable[str], shows_guard: bool, guard_verdict: str | None
) -> ReviewerView:
    if shows_guard:
        return ReviewerView(True, tuple(reasons), guard_verdict)
    visible = tuple(r for r in reasons if r not in GUARD_DERIVED_REASONS)
    return ReviewerView(False, visible, None)
