"""Periodic work for red-line policies."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "policies-review-overdue": {
        "task": "policies.review_overdue_notify",
        "schedule": crontab(hour=7, minute=0),
    },
}
