"""Governance background work: the daily check for overdue license reviews."""

from celery import shared_task

from core.public import SYSTEM
from governance.datasets.reviews import datasets_flag_overdue as flag_overdue


@shared_task(name="governance.datasets_flag_overdue")
def datasets_flag_overdue() -> int:
    return flag_overdue(actor=SYSTEM)
