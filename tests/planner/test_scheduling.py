"""Business-day math and dependency shifts (plain functions, no database)."""

from datetime import date

import pytest

from planner.scheduling import (
    Slot,
    WorkCalendar,
    has_cycle,
    shift_dependents,
    slot_for,
    weekend_after,
)

PLAIN = WorkCalendar()


def test_day_one_is_the_start_when_it_is_a_business_day():
    monday = date(2026, 11, 30)
    assert PLAIN.nth_business_day(monday, 1) == monday
    assert PLAIN.nth_business_day(monday, 5) == date(2026, 12, 4)
    assert PLAIN.nth_business_day(monday, 6) == date(2026, 12, 7)
    assert PLAIN.nth_business_day(monday, 10) == date(2026, 12, 11)


def test_start_on_a_friday_skips_the_weekend_after_day_one():
    friday = date(2026, 11, 27)
    assert PLAIN.nth_business_day(friday, 1) == friday
    assert PLAIN.nth_business_day(friday, 2) == date(2026, 11, 30)
    assert PLAIN.nth_business_day(friday, 5) == date(2026, 12, 3)
    # Two business days from Day 1 (a Friday) end on the Monday.
    assert slot_for(PLAIN, friday, day=1, duration=2) == (friday, date(2026, 11, 30))


def test_start_on_a_weekend_begins_on_monday():
    saturday = date(2026, 11, 28)
    assert PLAIN.nth_business_day(saturday, 1) == date(2026, 11, 30)


def test_weekend_item_sits_on_the_weekend_after_week_one():
    friday = date(2026, 11, 27)
    # Day 5 is Thursday 3 December: the weekend after it is 5-6 December.
    assert slot_for(PLAIN, friday, day=5, weekend=True) == (date(2026, 12, 5), date(2026, 12, 6))
    # When Day 5 is a Friday the weekend is the next day.
    assert weekend_after(date(2026, 12, 4)) == (date(2026, 12, 5), date(2026, 12, 6))
    # From a Saturday, "the weekend after" is the following one.
    assert weekend_after(date(2026, 12, 5)) == (date(2026, 12, 12), date(2026, 12, 13))


def test_public_holidays_and_year_end():
    us = WorkCalendar.for_country("US", [2026, 2027])
    start = date(2026, 12, 30)  # Wednesday
    assert date(2027, 1, 1) in us.holidays
    # Without holidays Day 3 is New Year's Day; with US holidays it is Monday 4 January.
    assert PLAIN.nth_business_day(start, 3) == date(2027, 1, 1)
    assert us.nth_business_day(start, 3) == date(2027, 1, 4)
    assert us.nth_business_day(start, 10) == date(2027, 1, 13)
    # Christmas Day (a Friday in 2026) is not Day 1 of a plan started on it.
    assert us.nth_business_day(date(2026, 12, 25), 1) == date(2026, 12, 28)


def test_korean_holidays_are_skipped():
    kr = WorkCalendar.for_country("KR", [2026])
    # 1 March 2026 (Independence Movement Day) is a Sunday; Korea substitutes Monday 2 March.
    assert not kr.is_business_day(date(2026, 3, 2))
    assert kr.nth_business_day(date(2026, 2, 27), 2) == date(2026, 3, 3)


def test_unknown_country_is_refused():
    with pytest.raises(NotImplementedError):
        WorkCalendar.for_country("XX", [2026])


def test_business_days_counted_backwards_and_between():
    assert PLAIN.add_business_days(date(2026, 11, 30), -1) == date(2026, 11, 27)
    assert PLAIN.business_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 2


def slots_chain():
    # a (Mon-Tue) → b (Wed) → c (Thu-Fri); d depends on nothing.
    return {
        "a": Slot(date(2026, 11, 30), date(2026, 12, 1), 2),
        "b": Slot(date(2026, 12, 2), date(2026, 12, 2), 1, depends_on=("a",)),
        "c": Slot(date(2026, 12, 3), date(2026, 12, 4), 2, depends_on=("b",)),
        "d": Slot(date(2026, 12, 3), date(2026, 12, 3), 1),
        "w": Slot(date(2026, 12, 5), date(2026, 12, 6), 1, weekend=True, depends_on=("a",)),
    }


def test_a_slip_pushes_every_dependent_and_keeps_their_length():
    slots = slots_chain()
    slots["a"] = Slot(date(2026, 11, 30), date(2026, 12, 3), 4)  # two days late
    moved = shift_dependents(PLAIN, slots, ["a"])
    assert moved["b"].starts_on == moved["b"].due_on == date(2026, 12, 4)
    # c keeps its two business days and crosses the weekend.
    assert (moved["c"].starts_on, moved["c"].due_on) == (date(2026, 12, 7), date(2026, 12, 8))
    assert "d" not in moved
    # The weekend item is still after a ends: not moved.
    assert "w" not in moved


def test_slack_absorbs_a_small_slip_and_early_finish_pulls_nothing():
    slots = slots_chain()
    slots["b"] = Slot(date(2026, 12, 2), date(2026, 12, 2), 1, depends_on=("a",))
    slots["c"] = Slot(date(2026, 12, 7), date(2026, 12, 7), 1, depends_on=("b",))
    slots["b"] = Slot(date(2026, 12, 2), date(2026, 12, 3), 2, depends_on=("a",))
    assert shift_dependents(PLAIN, slots, ["b"]) == {}
    slots["a"] = Slot(date(2026, 11, 30), date(2026, 11, 30), 1)
    assert shift_dependents(PLAIN, slots, ["a"]) == {}


def test_weekend_dependent_moves_to_the_next_weekend():
    slots = slots_chain()
    slots["a"] = Slot(date(2026, 11, 30), date(2026, 12, 7), 6)
    moved = shift_dependents(PLAIN, slots, ["a"])
    assert (moved["w"].starts_on, moved["w"].due_on) == (date(2026, 12, 12), date(2026, 12, 13))


def test_cycles_are_detected():
    assert has_cycle({"a": ["b"], "b": ["c"], "c": ["a"]})
    assert not has_cycle({"a": [], "b": ["a"], "c": ["a", "b"]})
