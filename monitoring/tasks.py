"""Celery tasks for monitoring: thin wrappers (ids in) around the same-named services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from monitoring.services import scans

# A batch that runs past this is stopped and its outputs stored as errors (fail closed).
SOFT_TIME_LIMIT_S = int(getattr(settings, "GUARD_BATCH_TIMEOUT_S", 600))


@shared_task(
    name="monitoring.guard_scan_batch",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT_S,
    time_limit=SOFT_TIME_LIMIT_S + 60,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def guard_scan_batch(output_ids: list[int]) -> dict[str, int]:
    summary = scans.guard_scan_batch(output_ids=output_ids)
    return vars(summary)


@shared_task(name="monitoring.guard_scan_dispatch", acks_late=True, reject_on_worker_lost=True)
def guard_scan_dispatch(output_ids: list[int]) -> int:
    return scans.guard_scan_dispatch(output_ids=output_ids)


@shared_task(name="monitoring.guard_scan_sweep", acks_late=True)
def guard_scan_sweep() -> int:
    return scans.guard_scan_sweep()
