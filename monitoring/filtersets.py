"""Filters for model outputs, shared by the outputs page, the API and the selectors."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from monitoring.models import GuardScan, ModelOutput


class OutputFilterSet(django_filters.FilterSet):
    project = django_filters.CharFilter()
    model = django_filters.CharFilter()
    verdict = django_filters.ChoiceFilter(
        choices=[*GuardScan.Verdict.choices, ("pending", "Not scanned yet")],
        method="filter_verdict",
    )
    category = django_filters.CharFilter(method="filter_category")
    received_from = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte")

    class Meta:
        model = ModelOutput
        fields = ["project", "model", "verdict", "category", "received_from", "received_to"]

    def filter_verdict(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        scans = GuardScan.objects.filter(output=OuterRef("pk"))
        if value == "pending":
            return queryset.filter(~Exists(scans))
        return queryset.filter(Exists(_latest_scan().filter(verdict=value)))

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
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
