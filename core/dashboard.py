"""Cards on the home dashboard; each app contributes `dashboard.cards(user)`."""

from __future__ import annotations

from dataclasses import dataclass

from core.registry import steward_modules


@dataclass(frozen=True)
class Card:
    title: str
    value: str | int
    url: str = ""
    note: str = ""
    tone: str = ""  # "", "good", "warn" or "bad"
    section: str = ""


def dashboard_cards(user) -> list[Card]:
    cards: list[Card] = []
    for module in steward_modules("dashboard"):
        if module.__name__ != __name__:
            cards.extend(module.cards(user))
    return cards
