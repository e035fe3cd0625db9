"""Core's FilterSets, each shared by its page and its API list: the audit log and API tokens."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ApiToken, AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=django_filters.widgets.forms.TextInput(
            attrs={"type": "search", "placeholder": _("record, action or note")}
        ),
    )
    object_type = django_filters.CharFilter(method="filter_object_type", label=_("Record type"))
    object_id = django_filters.CharFilter(field_name="target_id", label=_("Record id"))
    actor = django_filters.CharFilter(
        field_name="actor__username", lookup_expr="iexact", label=_("Who")
    )
    action = django_filters.CharFilter(lookup_expr="istartswith", label=_("Action"))
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("Since"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "object_type", "object_id", "actor", "action", "since", "until"]

    def filter_search(self, queryset: QuerySet[AuditEvent], name: str, value: str):
        return queryset.filter(
            Q(target_repr__icontains=value) | Q(action__icontains=value) | Q(note__icontains=value)
        )

    def filter_object_type(self, queryset: QuerySet[AuditEvent], name: str, value: str):
        # "training_mix", "TrainingMix" and "trainingmix" all name the same model.
        return queryset.filter(target_type__model=value.replace("_", "").replace("-", "").lower())


class ApiTokenFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(
        field_name="user__username", lookup_expr="iexact", label=_("User")
    )
    active = django_filters.BooleanFilter(
        method="filter_active",
        label=_("State"),
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Active")), ("false", _("Revoked or expired"))]
        ),
    )

    class Meta:
        model = ApiToken
        fields = ["user", "active"]

    def filter_active(self, queryset, name, value):
        now = timezone.now()
        live = Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        return queryset.filter(live) if value else queryset.exclude(live)
