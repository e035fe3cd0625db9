"""Core has no periodic tasks; apps declare theirs in `<app>/schedules.py` as BEAT_SCHEDULE."""

BEAT_SCHEDULE: dict = {}
