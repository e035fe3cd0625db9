"""Errors that services raise; the API exception handler and views turn them into responses."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule said no. The message is shown to the user as is."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.extra = extra or {}


class ConflictError(ApplicationError):
    """The request clashes with the current state (immutable version, expired lease...)."""

    status_code = 409
    code = "conflict"


class NotFoundError(ApplicationError):
    status_code = 404
    code = "not_found"
