"""Writes for core: users and roles, API tokens, notifications and audit events."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from core.actors import SYSTEM, Actor, actor_user
from core.errors import ApplicationError, InvalidInput, PermissionDenied
from core.models import ApiToken, AuditEvent, Notification
from core.roles import Role, user_has_role
from core.tokens import ALL_SCOPES, MAX_EXPIRY_DAYS

TOKEN_PREFIX = "stw_"
DEFAULT_EXPIRY = object()  # "not given": use API_TOKEN_DEFAULT_EXPIRY_DAYS


def roles_ensure() -> None:
    """Create the role groups if missing (idempotent)."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def user_create_or_update(
    *, username: str, role: Role, password: str | None = None, email: str = ""
) -> tuple[User, bool]:
    """Create the user (or update an existing one) with exactly this role."""
    if not username.strip():
        raise ApplicationError("A user name is required.")
    roles_ensure()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if email:
        user.email = email
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    return user, created


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *,
    user: User,
    name: str,
    expires_in_days: int | object | None = DEFAULT_EXPIRY,
    scopes: Iterable[str] | None = None,
    actor: Actor | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for `user` (by `actor`, the user themself unless an Admin acts for them);
    the raw secret is returned once and only its hash is stored.

    `expires_in_days`: omitted → `API_TOKEN_DEFAULT_EXPIRY_DAYS` (0 there means never);
    None → never; otherwise 1 to 3650 days. `scopes`: omitted → every scope.
    """
    acting = user if actor is None else actor
    if acting is not SYSTEM and acting != user and not user_has_role(acting, Role.ADMIN):
        raise PermissionDenied("Only an Admin may issue a token for another user.")
    if expires_in_days is DEFAULT_EXPIRY:
        expires_in_days = settings.API_TOKEN_DEFAULT_EXPIRY_DAYS or None
    if expires_in_days is not None:
        if not isinstance(expires_in_days, int) or isinstance(expires_in_days, bool):
            raise InvalidInput(
                "expires_in_days must be a whole number of days.",
                fields={"expires_in_days": ["Enter a whole number of days."]},
            )
        if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise InvalidInput(
                f"expires_in_days must be between 1 and {MAX_EXPIRY_DAYS} days.",
                fields={
                    "expires_in_days": [
                        f"Ensure this value is between 1 and {MAX_EXPIRY_DAYS} (ten years)."
                    ]
                },
            )
    chosen = list(ALL_SCOPES) if scopes is None else sorted(set(scopes), key=ALL_SCOPES.index)
    unknown = [scope for scope in chosen if scope not in ALL_SCOPES]
    if unknown or not chosen:
        raise InvalidInput(
            f"Scopes must be some of {', '.join(ALL_SCOPES)}.",
            fields={"scopes": [f"Choose one or more of {', '.join(ALL_SCOPES)}."]},
        )
    secret = secrets.token_urlsafe(32)
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secret}"
    token = ApiToken.objects.create(
        user=user,
        name=(name or "token")[:100],
        prefix=prefix,
        key_hash=_token_hash(raw),
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
        scopes=chosen,
    )
    audit_record(
        actor=acting,
        target=token,
        action="api_token.create",
        changes={"user": [None, user.username], "scopes": [None, chosen]},
    )
    return token, raw


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching `raw`, or None. Marks it used (at most once a minute); its
    first use is recorded in the audit history."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_token_hash(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None:
        # Only the request that flips it from never-used records the first use.
        if ApiToken.objects.filter(pk=token.pk, last_used_at__isnull=True).update(last_used_at=now):
            audit_record(actor=token.user, target=token, action="api_token.first_use")
    elif now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    """Revoke a token: its owner or an Admin may; revoking twice changes nothing."""
    if actor is not SYSTEM and actor != token.user and not user_has_role(actor, Role.ADMIN):
        raise PermissionDenied("Only the token's owner or an Admin may revoke it.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, target=token, action="api_token.revoke")
    return token


def notify(
    *, users: Iterable[User], title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    """In-app notification for each user; emails go out from a worker after commit."""
    created = Notification.objects.bulk_create(
        [Notification(user=user, title=title, body=body, url=url) for user in users]
    )
    to_email = [n.pk for n in created if n.user.email]
    if email and to_email:
        from core.tasks import notifications_email

        transaction.on_commit(lambda: notifications_email.delay(to_email))
    return created


def notifications_email(*, notification_ids: Iterable[int]) -> int:
    """Email each not-yet-emailed notification to its user; idempotent. Returns how many sent."""
    sent = 0
    pending = Notification.objects.select_related("user").filter(
        pk__in=list(notification_ids), emailed_at__isnull=True
    )
    for notification in pending:
        if not notification.user.email:
            continue
        link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
        send_mail(
            f"[Steward] {notification.title}",
            notification.body + link,
            settings.DEFAULT_FROM_EMAIL,
            [notification.user.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return qs.update(read_at=timezone.now())


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for every field whose value differs."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


AUDIT_ACTION = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")


def audit_record(
    *,
    actor: Actor,
    target: models.Model,
    action: str,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Record `action` ("<entity>.<verb>", e.g. "dataset.approve") by `actor` on `target`."""
    if actor is None:
        raise TypeError("audit_record needs an actor; pass core.actors.SYSTEM for Steward itself")
    if not AUDIT_ACTION.fullmatch(action):
        raise ValueError(
            f"Audit actions read '<entity>.<verb>' (e.g. 'dataset.approve'): {action!r}"
        )
    return AuditEvent.objects.create(
        actor=actor_user(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        changes=_jsonable(changes or {}),
        note=note,
    )
