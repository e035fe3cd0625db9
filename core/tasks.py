"""Core background work: delivering notification emails."""

import smtplib

from celery import shared_task

from core import services


@shared_task(
    name="core.notifications_email",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def notifications_email(notification_ids: list[int]) -> int:
    return services.notifications_email(notification_ids=notification_ids)
