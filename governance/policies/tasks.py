"""Background work for red-line policies: the daily review reminder."""

from celery import shared_task

from core.public import SYSTEM
from governance.policies.services import reviews


@shared_task(name="policies.review_overdue_notify")
def review_overdue_notify() -> int:
    return reviews.policies_review_overdue_notify(actor=SYSTEM)
