"""Periodic monitoring work: re-queue outputs whose scan was never enqueued or got lost."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "monitoring-guard-scan-sweep": {
        "task": "monitoring.guard_scan_sweep",
        "schedule": crontab(minute="*/10"),
    },
}
