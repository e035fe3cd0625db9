"""Turn a service's error into form errors: the one place views do this."""

from __future__ import annotations

from django import forms

from core.errors import error_messages


def form_apply_error(form: forms.BaseForm, exc: BaseException) -> None:
    """Attach every message of `exc` to its field, or to the form when the field is not on it."""
    for field, messages in error_messages(exc).items():
        form.add_error(field if field in form.fields else None, messages)
