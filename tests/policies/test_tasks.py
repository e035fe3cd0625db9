"""The daily review task, run by a real worker."""

import datetime

import pytest
from django.utils import timezone

from core.models import Notification
from governance.policies.models import Policy
from governance.policies.schedules import BEAT_SCHEDULE
from governance.policies.tasks import review_overdue_notify
from tests.celery_worker import running_worker, wait_for
from tests.policies.factories import policy_with_version


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_beat_task_reminds_owners_of_overdue_policies(legal):
    policy = policy_with_version(legal, publish=True)
    Policy.objects.filter(pk=policy.pk).update(
        next_review_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert BEAT_SCHEDULE["policies-review-overdue"]["task"] == review_overdue_notify.name
    with running_worker():
        review_overdue_notify.delay()
        wait_for(lambda: Notification.objects.filter(user=legal).exists())
    reminder = Notification.objects.get(user=legal, title__startswith="Review overdue")
    assert reminder.title == "Review overdue: Support bot"
    assert reminder.url == f"/governance/policies/{policy.pk}/"
