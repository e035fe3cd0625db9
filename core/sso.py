"""Single sign-on with OpenID Connect: provider endpoints, the sign-in backend and its role sync."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from core.actors import SYSTEM
from core.roles import Role, parse_role

logger = logging.getLogger(__name__)

# The mozilla-django-oidc settings that the issuer's discovery document can supply.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_TTL_S = 3600
_discovery_cache: dict[str, tuple[float, dict[str, Any]]] = {}

# Set on the request when a provider account is refused, for the refusal page.
REFUSAL_ATTR = "steward_sso_refusal"
# Marks a session signed in through the provider (two-factor treats it as verified there).
SESSION_KEY = "steward_sso"


def sso_enabled() -> bool:
    return bool(
        settings.OIDC_RP_CLIENT_ID
        and (
            settings.OIDC_ISSUER
            or (
                settings.OIDC_OP_AUTHORIZATION_ENDPOINT
                and settings.OIDC_OP_TOKEN_ENDPOINT
                and settings.OIDC_OP_USER_ENDPOINT
            )
        )
    )


def password_login_allowed() -> bool:
    return not (settings.OIDC_ONLY and sso_enabled())


def provider_discovery(issuer: str) -> dict[str, Any]:
    """The issuer's OpenID configuration, fetched once an hour per process."""
    cached = _discovery_cache.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    response = requests.get(
        f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
    )
    response.raise_for_status()
    document = response.json()
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ImproperlyConfigured(
            f"The discovery document at {issuer} names another issuer: {document.get('issuer')!r}"
        )
    _discovery_cache[issuer] = (time.monotonic() + DISCOVERY_TTL_S, document)
    return document


def oidc_setting(attr: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting; an endpoint left unset comes from the issuer's discovery."""
    value = import_from_settings(attr, *default)
    if attr in _DISCOVERED and not value and settings.OIDC_ISSUER:
        return provider_discovery(settings.OIDC_ISSUER).get(_DISCOVERED[attr]) or value
    return value


def claim_roles(claims: dict[str, Any]) -> frozenset[Role]:
    """The Steward roles that the provider's group claim gives (OIDC_ROLE_MAP, or role names)."""
    raw = claims.get(settings.OIDC_ROLES_CLAIM) or []
    if isinstance(raw, str):
        raw = re.split(r"[,\s]+", raw)
    groups = [str(group) for group in raw if str(group)] if isinstance(raw, list) else []
    roles: set[Role] = set()
    for group in groups:
        if settings.OIDC_ROLE_MAP:
            name = settings.OIDC_ROLE_MAP.get(group)
            if name:
                roles.add(Role(name))
        else:
            try:
                roles.add(parse_role(group))
            except ValueError:
                continue
    return frozenset(roles)


def _free_username(claims: dict[str, Any]) -> str:
    email = str(claims.get("email", ""))
    wanted = str(claims.get("preferred_username") or email.split("@")[0] or "user")
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "user"
    name, suffix = base, 1
    while User.objects.filter(username__iexact=name).exists():
        suffix += 1
        name = f"{base}{suffix}"
    return name


@transaction.atomic
def sso_user_sync(*, user: User | None, claims: dict[str, Any], roles: Iterable[Role]) -> User:
    """Create or update the Steward account of a provider account: email, name and exactly the
    Steward roles the provider's groups give (other groups stay; Admin is also staff and
    superuser, as everywhere in Steward). Role changes are audited."""
    from core.services import audit_record, roles_ensure

    roles_ensure()
    wanted = {role.value for role in roles}
    if user is None:
        user = User(username=_free_username(claims))
        user.set_unusable_password()
    user.email = str(claims.get("email", ""))[:254]
    user.first_name = str(claims.get("given_name") or claims.get("name") or "")[:150]
    user.last_name = str(claims.get("family_name") or "")[:150]
    user.full_clean(exclude=["password"])
    # As for accounts made with `add_user`: the Admin role is Django's staff and superuser.
    was_admin = bool(user.pk and user.is_superuser)
    user.is_staff = user.is_superuser = Role.ADMIN.value in wanted
    user.save()
    role_names = [role.value for role in Role]
    held = set(user.groups.filter(name__in=role_names).values_list("name", flat=True))
    before = held | ({Role.ADMIN.value} if was_admin else set())
    if held != wanted or before != wanted:
        user.groups.remove(*Group.objects.filter(name__in=held - wanted))
        user.groups.add(*Group.objects.filter(name__in=wanted - held))
        audit_record(
            actor=SYSTEM,
            target=user,
            action="user.roles_sync",
            changes={"roles": [sorted(before), sorted(wanted)]},
            note=f"from {settings.OIDC_PROVIDER_NAME}",
        )
    user._steward_roles = None  # type: ignore[attr-defined]  # the per-request role cache
    return user


class PasswordBackend(ModelBackend):
    """User name and password, refused outright while OIDC_ONLY is on."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> Any:
        if not password_login_allowed():
            return None
        return super().authenticate(request, *args, **kwargs)


class OIDCBackend(OIDCAuthenticationBackend):
    """The authorization-code flow against the configured provider; inert while SSO is off.

    People are matched by their verified email address and created on first sign-in; their
    Steward roles follow the provider's group claim at every sign-in, and someone whose groups
    give no role is refused (and loses any role they held)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds a backend for every session request (`get_user`); reading the
        # endpoints (and maybe the discovery document) waits until someone signs in.
        self.UserModel = User

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce; password sign-ins never reach the provider.
        if not sso_enabled() or request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client")
        issuer = settings.OIDC_ISSUER
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer")
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        # Groups may be in the ID token, the userinfo answer or both: read them together.
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(email__iexact=str(claims.get("email", "")))

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        from core.services import audit_record

        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("The provider gave no verified email address")
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) > 1:
            raise SuspiciousOperation("Several Steward accounts share this email address")
        user = users[0] if users else None
        roles = claim_roles(claims)
        groups = claims.get(settings.OIDC_ROLES_CLAIM) or []
        if not roles:
            setattr(
                self.request,
                REFUSAL_ATTR,
                {"email": claims.get("email", ""), "groups": groups},
            )
            if user is not None:
                sso_user_sync(user=user, claims=claims, roles=())
                audit_record(
                    actor=SYSTEM,
                    target=user,
                    action="user.login_fail",
                    note=f"{settings.OIDC_PROVIDER_NAME}: no group gives a Steward role",
                )
            logger.info("Single sign-on refused %s: no mapped role", claims.get("email"))
            return None
        return sso_user_sync(user=user, claims=claims, roles=roles)
