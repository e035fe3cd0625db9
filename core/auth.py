"""`Authorization: Bearer <token>` authentication for pipelines, with failed attempts limited
per client address so that tokens cannot be guessed at speed."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication, exceptions
from rest_framework.throttling import SimpleRateThrottle

from core.services import api_token_authenticate

FAILURE_WINDOW_S = 300


class _Ident(SimpleRateThrottle):
    rate = "1/s"  # unused: only `get_ident` (the client address, proxies considered) is wanted


def _failure_key(request: Any) -> str:
    return f"steward:token-failures:{_Ident().get_ident(request)}"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0].lower() != self.keyword.lower():
            return None
        key = _failure_key(request)
        failures = cache.get(key)
        if failures and failures[0] >= settings.API_TOKEN_FAILURES_PER_WINDOW:
            raise exceptions.Throttled(
                wait=max(1, int(failures[1] + FAILURE_WINDOW_S - time.time())),
                detail="Too many failed token attempts from this address; wait and retry.",
            )
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header; expected 'Bearer <token>'."
            )
        token = api_token_authenticate(parts[1])
        if token is None:
            count, started = failures or (0, time.time())
            cache.set(key, (count + 1, started), timeout=FAILURE_WINDOW_S)
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
