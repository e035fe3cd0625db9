"""One error body for the whole API: `{"error": code, "detail": message, "fields": {...}}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ApplicationError, InvalidInput, error_messages


def error_body(code: str, detail: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _first_message(fields: Any, path: str = "") -> str:
    """The first error in a nested DRF error structure, prefixed by where it is."""
    if isinstance(fields, dict):
        for key, value in fields.items():
            where = key if key == "non_field_errors" or not path else f"{path}.{key}"
            if key == "non_field_errors":
                where = path
            return _first_message(value, where)
    if isinstance(fields, list):
        for index, value in enumerate(fields):
            if isinstance(value, (dict, list)):
                return _first_message(value, f"{path}[{index}]" if path else f"[{index}]")
            return _first_message(value, path)
    return f"{path}: {fields}" if path else str(fields)


def _django_validation_fields(exc: DjangoValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {
            key: [str(m) for err in errs for m in err.messages]
            for key, errs in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, InvalidInput) and exc.fields:
        fields = {key or "non_field_errors": value for key, value in error_messages(exc).items()}
        body = error_body(exc.code, _first_message(fields), fields)
        body.update(exc.extra)
        return Response(body, status=exc.status_code)
    if isinstance(exc, ApplicationError):
        body = error_body(exc.code, exc.message)
        body.update(exc.extra)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_fields(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        response.data = error_body("invalid", _first_message(fields), fields)
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = error_body(code, str(detail))
    return response


def json_error(code: str, detail: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, detail), status=status_code)


NOT_FOUND = (status.HTTP_404_NOT_FOUND, "not_found", "Not found.")
