"""Beat's review tasks run on a real worker: rollup refresh, lease expiry, alert evaluation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from monitoring.review import tasks
from monitoring.review.models import Alert, AlertRule, DailyRollup, ReviewLease
from monitoring.review.services.claims import review_claim
from monitoring.review.services.routing import scans_route
from tests.celery_worker import running_worker, wait_for
from tests.review.factories import GuardScanFactory, ReviewItemFactory, scan_record

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_beat_schedules_the_review_tasks():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"review.leases_expire", "review.rollups_refresh", "review.alerts_evaluate"} <= scheduled


def test_review_tasks_on_a_real_worker(annotator, tmp_path):
    scans_route([scan_record(GuardScanFactory(verdict="unsafe"))])
    ReviewItemFactory()
    review_claim(actor=annotator)
    ReviewLease.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    AlertRule.objects.create(name="Backlog", kind="backlog", threshold=0)
    with running_worker(log_path=tmp_path / "worker.log"):
        tasks.rollups_refresh.delay()
        tasks.leases_expire.delay()
        tasks.alerts_evaluate.delay()
        wait_for(lambda: DailyRollup.objects.filter(scans=1, scans_unsafe=1).exists())
        wait_for(lambda: ReviewLease.objects.filter(state="expired").exists())
        wait_for(lambda: Alert.objects.filter(rule__name="Backlog", status="firing").exists())
