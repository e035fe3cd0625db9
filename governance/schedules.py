"""Periodic governance work for Celery beat."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "governance-datasets-flag-overdue": {
        "task": "governance.datasets_flag_overdue",
        "schedule": crontab(hour=6, minute=0),
    },
}
