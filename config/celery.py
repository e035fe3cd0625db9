"""The Celery application shared by web (to enqueue) and worker/beat processes."""

import os

from celery import Celery

from core.registry import steward_modules

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("steward")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each app lists its periodic tasks in `<app>/schedules.py`; beat runs them all.
app.conf.beat_schedule = {
    name: entry
    for module in steward_modules("schedules")
    for name, entry in getattr(module, "BEAT_SCHEDULE", {}).items()
}
