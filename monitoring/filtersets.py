"""Filters for model outputs, shared by the outputs page, the API and the selectors."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from monitoring.models import GuardScan, ModelOutput
from monitoring.selectors import output_category_codes, output_models, output_projects

VERDICT_CHOICES = [*GuardScan.Verdict.choices, ("pending", _("Not scanned yet"))]


def _all(values: list[str]) -> list[tuple[str, Any]]:
    return [("", _("All")), *((value, value) for value in values)]


# Drop-downs of the values in use, read only when the filter form is drawn (never by the API).
def _project_choices() -> list[tuple[str, Any]]:
    return _all(output_projects())


def _model_choices() -> list[tuple[str, Any]]:
    return _all(output_models())


def _category_choices() -> list[tuple[str, Any]]:
    return _all(output_category_codes())


# Django 5 takes callable choices (evaluated when drawn); django-stubs still want an iterable.
class OutputFilterSet(django_filters.FilterSet):
    # Free text under the drop-downs: the API filters on any value, not only the listed ones.
    project = django_filters.CharFilter(
        label=_("Project"),
        widget=forms.Select(choices=_project_choices),  # type: ignore[arg-type]
    )
    model = django_filters.CharFilter(
        label=_("Model"),
        widget=forms.Select(choices=_model_choices),  # type: ignore[arg-type]
    )
    verdict = django_filters.ChoiceFilter(
        label=_("Verdict"), choices=VERDICT_CHOICES, method="filter_verdict", empty_label=_("All")
    )
    category = django_filters.CharFilter(
        label=_("Category"),
        method="filter_category",
        widget=forms.Select(choices=_category_choices),  # type: ignore[arg-type]
    )
    received_from = django_filters.DateFilter(
        label=_("From"),
        field_name="received_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("To"),
        field_name="received_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ModelOutput
        fields = ["project", "model", "verdict", "category", "received_from", "received_to"]

    def filter_verdict(
        self, queryset: QuerySet[ModelOutput], name: str, value: str
    ) -> QuerySet[ModelOutput]:
        if not value:
            return queryset
        scans = GuardScan.objects.filter(output=OuterRef("pk"))
        if value == "pending":
            return queryset.filter(~Exists(scans))
        return queryset.filter(Exists(_latest_scan().filter(verdict=value)))

    def filter_category(
        self, queryset: QuerySet[ModelOutput], name: str, value: str
    ) -> QuerySet[ModelOutput]:
        if not value:
            return queryset
        code = value.strip().upper()
        return queryset.filter(Exists(_latest_scan().filter(categories__contains=[code])))


def _latest_scan() -> QuerySet[GuardScan]:
    """The output's newest scan (the one the pages show), for filtering on its verdict:
    an output rescanned as safe must not still match the error it had before."""
    newest = (
        GuardScan.objects.filter(output=OuterRef(OuterRef("pk")))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    return GuardScan.objects.filter(pk=Subquery(newest))
