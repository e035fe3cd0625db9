"""Sign-ins in the audit history: who signed in, and failed attempts on existing accounts
(attempts on unknown names are counted by django-axes, which has no record to attach to)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

from core.actors import SYSTEM


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(getattr(request, "axes_ip_address", "") or request.META.get("REMOTE_ADDR", ""))


def login_succeeded(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    from core.services import audit_record

    audit_record(actor=user, target=user, action="user.login", note=_address(request))


def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from core.services import audit_record

    username = str(credentials.get("username") or "")
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        audit_record(actor=SYSTEM, target=user, action="user.login_fail", note=_address(request))
