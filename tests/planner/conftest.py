"""Fixtures for planner tests: `verdicts` stands in for governance's answers on gates."""

from tests.planner.governance import verdicts  # noqa: F401 - a fixture, found by name
