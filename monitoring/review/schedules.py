"""Periodic review work run by Celery beat."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "review-leases-expire": {"task": "review.leases_expire", "schedule": crontab()},
    "review-rollups-refresh": {"task": "review.rollups_refresh", "schedule": crontab()},
    "review-alerts-evaluate": {"task": "review.alerts_evaluate", "schedule": crontab()},
}
