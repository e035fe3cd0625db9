"""Planner writes, one module per sub-domain; callers import the module they need."""
