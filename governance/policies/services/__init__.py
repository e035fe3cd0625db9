"""Writes for red-line policies, one module per sub-domain; callers import the submodule."""
