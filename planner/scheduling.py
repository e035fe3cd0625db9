"""Business-day date math for roadmaps: Day n, weekend slots, holidays and dependency shifts.

Plain functions with no Django: a `WorkCalendar` knows which dates are working days.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, TypeVar

import holidays as holidays_lib

SATURDAY = 5
# A task's key: a database id in services, a template key in checks.
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days are Monday to Friday minus the given public holidays."""

    holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def for_country(cls, country: str, years: Iterable[int]) -> WorkCalendar:
        """Public holidays of `country` (ISO code, e.g. "KR", "US", "DE") for `years`."""
        if not country:
            return cls()
        dates = holidays_lib.country_holidays(country, years=list(years))
        return cls(frozenset(dates.keys()))

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < SATURDAY and day not in self.holidays

    def next_business_day(self, day: date) -> date:
        """`day` itself when it is a business day, else the first one after it."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int) -> date:
        """The business day `count` business days after (or before, if negative) `day`."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def nth_business_day(self, start: date, n: int) -> date:
        """Day n of a plan starting on `start`: Day 1 is `start` or the next business day."""
        if n < 1:
            raise ValueError("Business days are numbered from 1.")
        return self.add_business_days(self.next_business_day(start), n - 1)

    def business_days_between(self, first: date, last: date) -> int:
        """How many business days lie in [first, last] (0 when last < first)."""
        count, day = 0, first
        while day <= last:
            count += self.is_business_day(day)
            day += timedelta(days=1)
        return count


def weekend_after(day: date) -> tuple[date, date]:
    """The Saturday and Sunday of the first weekend strictly after `day`."""
    saturday = day + timedelta(days=(SATURDAY - day.weekday()) % 7 or 7)
    return saturday, saturday + timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    """Where a task sits: `day` is its first plan day, `duration` counts business days.

    A weekend task has no business days; it sits on the weekend after plan day `day`.
    """

    starts_on: date
    due_on: date
    duration: int = 1
    weekend: bool = False
    depends_on: tuple[Any, ...] = ()


def slot_for(
    calendar: WorkCalendar, start: date, *, day: int, duration: int = 1, weekend: bool = False
) -> tuple[date, date]:
    """Start and due dates of a template task in a plan that starts on `start`."""
    anchor = calendar.nth_business_day(start, day)
    if weekend:
        return weekend_after(anchor)
    if duration < 1:
        raise ValueError("A task lasts at least one business day.")
    return anchor, calendar.add_business_days(anchor, duration - 1)


def place_after(calendar: WorkCalendar, slot: Slot, earliest_after: date) -> Slot:
    """`slot` moved (never earlier) so that it starts after `earliest_after`."""
    if slot.starts_on > earliest_after:
        return slot
    if slot.weekend:
        saturday, sunday = weekend_after(earliest_after)
        return replace(slot, starts_on=saturday, due_on=sunday)
    starts_on = calendar.add_business_days(earliest_after, 1)
    due_on = calendar.add_business_days(starts_on, max(slot.duration, 1) - 1)
    return replace(slot, starts_on=starts_on, due_on=due_on)


def shift_dependents(
    calendar: WorkCalendar, slots: Mapping[K, Slot], changed: Iterable[K]
) -> dict[K, Slot]:
    """After the tasks in `changed` moved, push every task that depends on them (directly or
    not) so it starts after all of its prerequisites end. Returns only the slots that moved.

    Tasks are never pulled earlier: a slip consumes slack, an early finish keeps the plan.
    """
    current = dict(slots)
    dependents: dict[K, list[K]] = {key: [] for key in current}
    for key, slot in current.items():
        for dep in slot.depends_on:
            if dep in dependents:
                dependents[dep].append(key)
    moved: dict[K, Slot] = {}
    queue = list(changed)
    while queue:
        key = queue.pop(0)
        for child in dependents.get(key, []):
            slot = current[child]
            latest_end = max(current[dep].due_on for dep in slot.depends_on if dep in current)
            new_slot = place_after(calendar, slot, latest_end)
            if new_slot != slot:
                current[child] = new_slot
                moved[child] = new_slot
                queue.append(child)
    return moved


def has_cycle(edges: Mapping[K, Iterable[K]]) -> bool:
    """True when the dependency mapping {task: [prerequisites]} loops back on itself."""
    state: dict[K, str] = {}

    def visit(node: K) -> bool:
        if state.get(node) == "open":
            return True
        if state.get(node) == "done":
            return False
        state[node] = "open"
        if any(visit(dep) for dep in edges.get(node, ())):
            return True
        state[node] = "done"
        return False

    return any(visit(node) for node in edges)
