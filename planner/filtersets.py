"""FilterSets shared by the planner's lists and API: one per listed model, used by its page,
its API list and its selector."""

from __future__ import annotations

from functools import reduce
from operator import and_

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from planner.models import (
    ChecklistItem,
    ChecklistRun,
    CostEstimate,
    Project,
    RoadmapTask,
    RoadmapTemplate,
)


def search_words(queryset: QuerySet, fields: list[str], value: str) -> QuerySet:
    """Every word must appear (ignoring case) in one of `fields`, in any order."""
    words = value.split()
    if not words:
        return queryset
    return queryset.filter(
        reduce(
            and_, (reduce(Q.__or__, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words)
        )
    )


class ProjectFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or use case")}),
    )
    status = django_filters.ChoiceFilter(
        choices=Project.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    data_sensitivity = django_filters.ChoiceFilter(
        choices=Project.Sensitivity.choices,
        label=_("Data sensitivity"),
        empty_label=_("Any sensitivity"),
    )
    model_approach = django_filters.ChoiceFilter(
        choices=Project.Approach.choices, label=_("Approach"), empty_label=_("Any approach")
    )

    class Meta:
        model = Project
        fields = ["search", "status", "data_sensitivity", "model_approach", "owner"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_words(queryset, ["name", "use_case"], value)


class RoadmapTemplateFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or slug")}),
    )

    class Meta:
        model = RoadmapTemplate
        fields = ["search"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_words(queryset, ["name", "slug"], value)


class RoadmapTaskFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="roadmap__project")

    class Meta:
        model = RoadmapTask
        fields = ["roadmap", "project", "status", "gate"]


class ChecklistRunFilterSet(django_filters.FilterSet):
    template = django_filters.CharFilter(field_name="template_slug")

    class Meta:
        model = ChecklistRun
        fields = ["project", "template"]


class ChecklistItemFilterSet(django_filters.FilterSet):
    class Meta:
        model = ChecklistItem
        fields = ["run", "status"]


class CostEstimateFilterSet(django_filters.FilterSet):
    class Meta:
        model = CostEstimate
        fields = ["project", "kind"]
