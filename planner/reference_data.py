"""The planner's reference data: the built-in roadmap template, checklists and GPU price presets.

Core calls `ensure()` after every `migrate` (and after a transactional test's flush). The data
lives in `planner.seed`, pinned in the repository; nothing here depends on a package version.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from planner.models import ChecklistTemplate, PricePreset, RoadmapTemplate
from planner.seed import CHECKLISTS, PRICE_PRESETS, TWO_WEEK_KICKOFF, install_builtins


def _expected() -> int:
    return 1 + len(CHECKLISTS) + len(PRICE_PRESETS)


def _present() -> int:
    """How many of the built-in records exist, counted in one query."""
    parts: list[QuerySet] = [
        RoadmapTemplate.objects.filter(slug=TWO_WEEK_KICKOFF["slug"]).values_list("slug"),
        ChecklistTemplate.objects.filter(
            slug__in=[checklist[0] for checklist in CHECKLISTS]
        ).values_list("slug"),
        PricePreset.objects.filter(slug__in=[preset[0] for preset in PRICE_PRESETS]).values_list(
            "slug"
        ),
    ]
    return parts[0].union(*parts[1:], all=True).count()


def ensure() -> None:
    """Create the built-in records that are missing; never touch ones a PM edited."""
    if _present() == _expected():
        return
    install_builtins(apps)
