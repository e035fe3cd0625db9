"""One FilterSet per listed model, shared by its page, its API list and its selector."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.policies.models import Policy, PolicyAttestation, PolicyVersion, review_overdue_q

REVIEW_OVERDUE = "overdue"


class PolicyFilterSet(django_filters.FilterSet):
    """Filters `selectors.policy_list()` (which annotates each policy's latest status)."""

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or slug")}),
    )
    status = django_filters.ChoiceFilter(
        field_name="latest_status",
        choices=PolicyVersion.Status.choices,
        label=_("Latest version"),
        empty_label=_("Any status"),
    )
    review = django_filters.ChoiceFilter(
        method="filter_review",
        choices=[(REVIEW_OVERDUE, _("Overdue (stale)"))],
        label=_("Review"),
        empty_label=_("Any"),
    )
    slug = django_filters.CharFilter(
        label=_("Slug"), widget=forms.TextInput(attrs={"placeholder": "support-bot"})
    )

    class Meta:
        model = Policy
        fields = ["q", "status", "review", "slug"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value) | Q(slug__icontains=value) | Q(description__icontains=value)
        )

    def filter_review(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == REVIEW_OVERDUE:
            return queryset.filter(review_overdue_q())
        return queryset


ATTESTATION_AWAITING = "awaiting"
ATTESTATION_CONFIRMED = "confirmed"


class PublishedVersionFilterSet(django_filters.FilterSet):
    """The versions in force, by whether the requesting user has confirmed reading them
    (`request.user`; the attestation list page)."""

    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[
            (ATTESTATION_AWAITING, _("Awaiting my confirmation")),
            (ATTESTATION_CONFIRMED, _("Confirmed")),
        ],
        label=_("Your attestation"),
        empty_label=_("Any"),
    )
    q = django_filters.CharFilter(
        field_name="policy__name",
        lookup_expr="icontains",
        label=_("Policy"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Policy name")}),
    )

    class Meta:
        model = PolicyVersion
        fields = ["state", "q"]

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        user = getattr(self.request, "user", None)
        mine = Exists(PolicyAttestation.objects.filter(version=OuterRef("pk"), user=user))
        if value == ATTESTATION_AWAITING:
            return queryset.exclude(mine)
        if value == ATTESTATION_CONFIRMED:
            return queryset.filter(mine)
        return queryset
