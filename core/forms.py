"""Core's forms, and turning a service's error into form errors: the one place views do it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import error_messages
from core.tokens import ALL_SCOPES, MAX_EXPIRY_DAYS, SCOPE_LABELS, TokenScope


def form_apply_error(form: forms.BaseForm, exc: BaseException) -> None:
    """Attach every message of `exc` to its field, or to the form when the field is not on it."""
    for field, messages in error_messages(exc).items():
        form.add_error(field if field in form.fields else None, messages)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What it is for"),
        max_length=100,
        widget=forms.TextInput({"placeholder": "nightly-eval"}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("It may"),
        choices=[(scope.value, SCOPE_LABELS[scope]) for scope in TokenScope],
        initial=[TokenScope.READ.value, TokenScope.INGEST.value],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days; 0 = never)"),
        min_value=0,
        max_value=MAX_EXPIRY_DAYS,
        initial=90,
    )

    def clean_scopes(self) -> list[str]:
        return [scope for scope in ALL_SCOPES if scope in self.cleaned_data["scopes"]]
