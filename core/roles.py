"""The five roles of Steward (Django groups) and how to ask a user about them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PM = "PM"
    LEGAL = "Legal"
    ANNOTATOR = "Annotator"
    PIPELINE = "Pipeline"
    ADMIN = "Admin"


ROLE_DESCRIPTIONS = {
    Role.PM: "plans projects, registers datasets, reads dashboards",
    Role.LEGAL: "decides on dataset licenses and red-line policies",
    Role.ANNOTATOR: "labels outputs in the review queue",
    Role.PIPELINE: "pushes model outputs over the API",
    Role.ADMIN: "manages users, roles and tokens; may do everything",
}


def parse_role(value: str) -> Role:
    """Accept a role name in any case ('legal', 'Legal'); raise ValueError naming the choices."""
    for role in Role:
        if role.value.lower() == value.strip().lower():
            return role
    choices = ", ".join(role.value for role in Role)
    raise ValueError(f"Unknown role {value!r}; choose one of {choices}")


def user_roles(user) -> frozenset[Role]:
    """The roles a user holds, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_steward_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        user._steward_roles = cached
    return cached


def user_has_role(user, *roles: Role) -> bool:
    """True when the user holds any of `roles`; Admin holds every role."""
    held = user_roles(user)
    return Role.ADMIN in held or any(role in held for role in roles)
