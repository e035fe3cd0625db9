"""Filters for the dataset inventory, shared by the UI list, the API and the selectors."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from governance import licensing
from governance.models import Dataset, ReviewStatus

FLAG_CHOICES = [
    ("contains_books_or_papers", "Books or papers"),
    ("contains_faces", "Faces / biometrics"),
    ("contains_personal_data", "Personal data"),
    ("web_crawled", "Web crawl"),
    ("generated", "Model-generated"),
]


class DatasetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    commercial_use = django_filters.ChoiceFilter(
        choices=[
            (licensing.ALLOWED, "Allowed"),
            (licensing.NOT_ALLOWED, "Not allowed"),
            (licensing.UNKNOWN, "Unknown"),
        ]
    )
    license = django_filters.CharFilter(
        field_name="license_expression", lookup_expr="icontains", label="License"
    )
    flag = django_filters.ChoiceFilter(choices=FLAG_CHOICES, method="filter_flag", label="Flag")
    needs_legal_review = django_filters.BooleanFilter()

    class Meta:
        model = Dataset
        fields = ["q", "status", "commercial_use", "license", "flag", "needs_legal_review"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(hub_id__icontains=value)
            | Q(license_expression__icontains=value)
            | Q(intended_use__icontains=value)
        )

    def filter_flag(self, queryset, name, value):
        if value == "generated":
            return queryset.exclude(generated_by="")
        return queryset.filter(**{value: True})
