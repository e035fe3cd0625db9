"""The one error hierarchy services raise. `core.api.errors` maps it to HTTP responses and
`core.forms.form_apply_error` to form errors; nothing else translates errors.

    ApplicationError      400 invalid   a business rule said no
    ├── InvalidInput      400 invalid   with per-field messages
    ├── PermissionDenied  403 permission_denied  the actor's role does not allow it
    ├── NotFoundError     404 not_found
    └── ConflictError     409 conflict  clashes with the current state

Django's own `ValidationError` (from `full_clean`) and `PermissionDenied` are accepted at both
boundaries too, so services may let them through unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError


class ApplicationError(Exception):
    """A business rule said no. The message is shown to the user as is."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: Any,
        *,
        code: str | None = None,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.extra = extra or {}


class InvalidInput(ApplicationError):
    """Input that fails validation, with messages per field (`None` for the whole input)."""

    def __init__(self, message: Any, *, fields: dict[str, list[str]] | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.fields = fields or {}


class PermissionDenied(ApplicationError, DjangoPermissionDenied):
    """The actor may not do this. Also a Django `PermissionDenied`, so views answer 403."""

    status_code = 403
    code = "permission_denied"  # the code DRF gives its own 403s: one code for every 403


class NotFoundError(ApplicationError):
    status_code = 404
    code = "not_found"


class ConflictError(ApplicationError):
    """The request clashes with the current state (immutable version, expired lease...)."""

    status_code = 409
    code = "conflict"


def error_messages(exc: BaseException) -> dict[str | None, list[str]]:
    """Every message an error carries, by field (`None` for messages about the whole input)."""
    if isinstance(exc, InvalidInput) and exc.fields:
        messages: dict[str | None, list[str]] = {
            (None if key in ("__all__", "non_field_errors") else key): [str(m) for m in value]
            for key, value in exc.fields.items()
        }
        return messages
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return {
                (None if key == "__all__" else key): [str(m) for m in value]
                for key, value in exc.message_dict.items()
            }
        return {None: [str(m) for m in exc.messages]}
    if isinstance(exc, ApplicationError):
        return {None: [exc.message]}
    return {None: [str(exc)]}


def error_text(exc: BaseException) -> str:
    """One readable sentence (or several) for a flash message."""
    parts = []
    for field, messages in error_messages(exc).items():
        text = " ".join(messages)
        parts.append(f"{field}: {text}" if field else text)
    return " ".join(parts)
