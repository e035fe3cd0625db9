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


class AccessPolicy:
    def __init__(self, app: str, rules: dict[str, Iterable[Role]]):
        self.app = app
        self.rules = {action: frozenset(roles) for action, roles in rules.items()}

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
                return allowed

        _Permission.__name__ = f"{self.app.title()}Access"
        return _Permission
