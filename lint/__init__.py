"""Checks of the code's shape that ruff, mypy and import-linter's built-in contracts lack."""
