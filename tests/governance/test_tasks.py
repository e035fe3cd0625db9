"""The daily overdue-review check: scheduled for beat, run by a real worker."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app
from core.models import Notification
from core.roles import Role
from governance.models import ReviewStatus
from governance.tasks import datasets_flag_overdue
from tests.celery_worker import running_worker, wait_for
from tests.governance.factories import DatasetFactory


def test_beat_runs_the_overdue_check_daily():
    entry = app.conf.beat_schedule["governance-datasets-flag-overdue"]
    assert entry["task"] == "governance.datasets_flag_overdue"
    assert entry["schedule"].hour == {6} and entry["schedule"].day_of_week == set(range(7))


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_worker_notifies_the_steward_of_an_overdue_review(make_user, tmp_path):
    steward = make_user(Role.PM, email="")
    dataset = DatasetFactory(
        name="C4",
        steward=steward,
        status=ReviewStatus.APPROVED,
        next_review_date=timezone.localdate() - timedelta(days=2),
    )
    with running_worker(log_path=tmp_path / "worker.log"):
        with transaction.atomic():
            transaction.on_commit(datasets_flag_overdue.delay)
        notification = wait_for(
            lambda: Notification.objects.filter(user=steward).first(),
            message="the worker never flagged the overdue review",
        )
    assert notification.title == "License review overdue: C4"
    assert notification.url == f"/governance/datasets/{dataset.pk}/"
    dataset.refresh_from_db()
    assert dataset.overdue_notified_at is not None
