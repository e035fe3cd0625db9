"""One access policy per app: which roles may do which action, for UI and API alike.

Each app declares its rules once in `<app>/permissions.py`:

    ACCESS = AccessPolicy("planner", {"view": {Role.PM, Role.LEGAL}, "edit": {Role.PM}})

and then checks them with `ACCESS.require(user, "edit")` in services or views,
`@ACCESS.required("view")` on function views, and `ACCESS.permission(...)` on DRF views.
Admin may do everything, and so may the explicit system actor (`core.actors.SYSTEM`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.actors import is_system
from core.errors import PermissionDenied
from core.roles import Role, user_has_role
from core.tokens import required_scope


class AccessPolicy:
    def __init__(
        self,
        app: str,
        rules: dict[str, Iterable[Role]],
        *,
        token_scopes: dict[str, str] | None = None,
    ):
        """`token_scopes` names the API-token scope a write under each action needs
        (e.g. `{"ingest": "ingest"}`); writes under other actions need `govern`, reads `read`."""
        self.app = app
        self.rules = {action: frozenset(roles) for action, roles in rules.items()}
        self.token_scopes = dict(token_scopes or {})
        unknown = set(self.token_scopes) - set(self.rules)
        if unknown:
            raise KeyError(f"{app}: token scopes for unknown actions {sorted(unknown)}")

    def roles_for(self, action: str) -> frozenset[Role]:
        try:
            return self.rules[action]
        except KeyError:
            raise KeyError(f"{self.app} has no access rule for {action!r}") from None

    def allows(self, user: Any, action: str) -> bool:
        """May `user` (a user, or the system actor, which may do everything) do `action`?"""
        if is_system(user):
            self.roles_for(action)  # an unknown action is a programming error even here
            return True
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return user_has_role(user, *self.roles_for(action))

    def require(self, user: Any, action: str) -> None:
        if not self.allows(user, action):
            roles = ", ".join(sorted(role.value for role in self.roles_for(action)))
            raise PermissionDenied(f"This needs one of these roles: {roles}.")

    def required(self, action: str) -> Callable:
        """Decorator for function views: log in first, then the role check (403 otherwise)."""

        def decorator(view):
            @wraps(view)
            def wrapper(request, *args, **kwargs):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                self.require(request.user, action)
                return view(request, *args, **kwargs)

            return wrapper

        return decorator

    def permission(
        self, *, read: str = "view", write: str | None = None, **actions: str
    ) -> type[BasePermission]:
        """A DRF permission class: `actions` maps viewset action names to rule names;
        other requests need `read` (safe methods) or `write` (the rest)."""
        policy = self
        write_action = write or read

        class _Permission(BasePermission):
            message = "Your role does not allow this."

            def has_permission(self, request, view) -> bool:
                action = actions.get(getattr(view, "action", None) or "")
                if action is None:
                    action = read if request.method in SAFE_METHODS else write_action
                allowed = policy.allows(request.user, action)
                if not allowed:
                    roles = ", ".join(sorted(r.value for r in policy.roles_for(action)))
                    self.message = f"This needs one of these roles: {roles}."
                    return False
                return token_scope_allows(
                    self, request, policy.token_scopes.get(action) if action else None
                )

        _Permission.__name__ = f"{self.app.title()}Access"
        return _Permission


def token_scope_allows(permission: BasePermission, request: Any, action_scope: str | None) -> bool:
    """For a request authenticated by an API token: does the token carry the scope needed?
    Session users are not limited by scopes."""
    from core.models import ApiToken

    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        return True
    needed = required_scope(safe_method=request.method in SAFE_METHODS, action_scope=action_scope)
    if needed in token.scopes:
        return True
    permission.message = (  # type: ignore[attr-defined]
        f"This token lacks the '{needed}' scope; it has: {', '.join(token.scopes) or 'none'}."
    )
    return False


class TokenScopePermission(BasePermission):
    """The API's default check beside authentication: reads need `read`, writes `govern`
    (views under an app's AccessPolicy get the scope its rules name instead)."""

    message = "This token lacks the scope this request needs."

    def has_permission(self, request: Any, view: Any) -> bool:
        return token_scope_allows(self, request, getattr(view, "token_scope", None))
