"""Planner test fixtures: the built-in templates (re-installed after transactional flushes)."""

import pytest

from planner.services import builtins_ensure


@pytest.fixture(autouse=True)
def planner_builtins(db):
    builtins_ensure()
