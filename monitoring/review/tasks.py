"""Background work for the review queue: lease expiry, rollup refresh, alerts, webhooks."""

from celery import shared_task

from monitoring.review.services import alerts, claims, rollups


@shared_task(name="review.leases_expire")
def leases_expire() -> int:
    return claims.leases_expire()


@shared_task(name="review.rollups_refresh")
def rollups_refresh() -> int:
    return rollups.rollups_refresh()


@shared_task(name="review.alerts_evaluate")
def alerts_evaluate() -> int:
    return alerts.alerts_evaluate()


@shared_task(
    name="review.alert_webhook",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def alert_webhook(alert_id: int, title: str) -> bool:
    return alerts.alert_webhook_send(alert_id=alert_id, title=title)
