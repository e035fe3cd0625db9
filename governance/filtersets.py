"""One FilterSet per listed model, shared by its page, its API list and its selector."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance import licensing
from governance.models import Dataset, License, ReviewStatus, TrainingMix

StrOrPromise = str | Promise

FLAG_CHOICES = [
    ("contains_books_or_papers", _("Books or papers")),
    ("contains_faces", _("Faces / biometrics")),
    ("contains_personal_data", _("Personal data")),
    ("web_crawled", _("Web crawl")),
    ("generated", _("Model-generated")),
]


def _search(placeholder: StrOrPromise) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


class DatasetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=_search(_("name, hub id, license")),
    )
    status = django_filters.ChoiceFilter(
        choices=ReviewStatus.choices, label=_("Status"), empty_label=_("Any")
    )
    commercial_use = django_filters.ChoiceFilter(
        choices=[
            (licensing.ALLOWED, _("Allowed")),
            (licensing.NOT_ALLOWED, _("Not allowed")),
            (licensing.UNKNOWN, _("Unknown")),
        ],
        label=_("Commercial use"),
        empty_label=_("Any"),
    )
    license = django_filters.CharFilter(
        field_name="license_expression",
        lookup_expr="icontains",
        label=_("License"),
        widget=forms.TextInput(attrs={"placeholder": "CC-BY-SA"}),
    )
    flag = django_filters.ChoiceFilter(
        choices=FLAG_CHOICES, method="filter_flag", label=_("Flag"), empty_label=_("Any")
    )
    needs_legal_review = django_filters.BooleanFilter(label=_("Legal review needed"))

    class Meta:
        model = Dataset
        fields = ["q", "status", "commercial_use", "license", "flag", "needs_legal_review"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(hub_id__icontains=value)
            | Q(license_expression__icontains=value)
            | Q(intended_use__icontains=value)
        )

    def filter_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "generated":
            return queryset.exclude(generated_by="")
        return queryset.filter(**{value: True})


class LicenseFilterSet(django_filters.FilterSet):
    """The catalog page opens on `scope=curated`; the API lists every license unless asked."""

    SCOPE_CURATED = "curated"
    SCOPE_ALL = "all"

    q = django_filters.CharFilter(
        method="filter_search", label=_("Search"), widget=_search(_("CC-BY, MIT, llama…"))
    )
    use_class = django_filters.ChoiceFilter(
        choices=License.UseClass.choices, label=_("Use"), empty_label=_("Any")
    )
    scope = django_filters.ChoiceFilter(
        choices=[
            (SCOPE_CURATED, _("Curated and overridden")),
            (SCOPE_ALL, _("All licenses")),
        ],
        method="filter_scope",
        label=_("Scope"),
        empty_label=None,
    )
    curated = django_filters.BooleanFilter(label=_("Curated"))
    needs_legal_review = django_filters.BooleanFilter(label=_("Legal review needed"))

    class Meta:
        model = License
        fields = ["q", "use_class", "scope", "curated", "needs_legal_review"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(spdx_id__icontains=value) | Q(name__icontains=value))

    def filter_scope(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == self.SCOPE_CURATED:
            return queryset.filter(Q(curated=True) | Q(overridden_at__isnull=False))
        return queryset


class TrainingMixFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Search"), widget=_search(_("name"))
    )
    status = django_filters.ChoiceFilter(
        choices=TrainingMix.Status.choices, label=_("Status"), empty_label=_("Any")
    )

    class Meta:
        model = TrainingMix
        fields = ["q", "status"]
