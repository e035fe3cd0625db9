"""Filters for the review lists (adjudication, alerts), shared by their pages and selectors."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.review.models import Alert, AlertRule, ReviewItem, ReviewReason


class ReviewItemFilterSet(django_filters.FilterSet):
    project = django_filters.CharFilter(
        label=_("Project"), widget=forms.TextInput(attrs={"placeholder": _("Any project")})
    )
    reason = django_filters.ChoiceFilter(
        label=_("Reason"),
        choices=ReviewReason.choices,
        method="filter_reason",
        empty_label=_("Any"),
    )

    class Meta:
        model = ReviewItem
        fields = ["project", "reason"]

    def filter_reason(
        self, queryset: QuerySet[ReviewItem], name: str, value: str
    ) -> QuerySet[ReviewItem]:
        return queryset.filter(reasons__contains=[value]) if value else queryset


class AlertFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Alert.Status.choices, empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        field_name="rule__kind",
        choices=AlertRule.Kind.choices,
        empty_label=_("Any"),
    )

    class Meta:
        model = Alert
        fields = ["status", "kind"]
