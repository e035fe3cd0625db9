"""A real worker on the Redis broker runs a task enqueued on commit and writes to PostgreSQL."""

import pytest
from django.core import mail
from django.db import transaction

from core.models import Notification
from core.services import notify
from tests.celery_worker import running_worker, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_notification_email_goes_out_from_a_real_worker(make_user, tmp_path):
    legal = make_user(email="legal@example.com")
    silent = make_user(email="")
    with running_worker(
        extra_env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path),
        },
        log_path=tmp_path.parent / "worker.log",
    ):
        with transaction.atomic():
            created = notify(
                users=[legal, silent], title="Dataset review due", body="C4 is overdue"
            )
            # nothing is enqueued before the transaction commits
            assert not Notification.objects.filter(emailed_at__isnull=False).exists()
        emailed = wait_for(
            lambda: Notification.objects.filter(pk=created[0].pk, emailed_at__isnull=False).first(),
            message="the worker never emailed the notification",
        )
    assert emailed.user == legal
    assert Notification.objects.get(pk=created[1].pk).emailed_at is None
    sent = "".join(path.read_text() for path in tmp_path.iterdir())
    assert "[Steward] Dataset review due" in sent
    assert "legal@example.com" in sent
    assert mail.outbox == []  # the test process itself sent nothing


def test_a_rolled_back_transaction_enqueues_nothing(make_user):
    user = make_user(email="pm@example.com")
    with running_worker() as worker:
        try:
            with transaction.atomic():
                notify(users=[user], title="never sent")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert worker.poll() is None
    assert not Notification.objects.exists()
