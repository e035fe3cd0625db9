"""Planner pages, one module per part of the app; urls.py imports each module."""
