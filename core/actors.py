"""Who acts: a signed-in user or, for scheduled and automatic work, the explicit system actor.

Services name the acting party `actor` and never accept `None`: work that no person asked for
(beat tasks, migrations of data, demo loading) passes `SYSTEM`, which every access policy
allows and which the audit log records as "Steward".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SystemActor:
    """Steward itself. There is exactly one, `SYSTEM`."""

    is_authenticated: Final = True
    is_active: Final = True
    is_system: Final = True
    pk = None
    username = "steward"

    def __str__(self) -> str:
        return "Steward"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()

Actor: TypeAlias = "User | SystemActor"


def is_system(actor: object) -> bool:
    return actor is SYSTEM


def actor_user(actor: Actor) -> User | None:
    """The user row to store as the actor (None for the system actor)."""
    return None if actor is SYSTEM else actor  # type: ignore[return-value]
