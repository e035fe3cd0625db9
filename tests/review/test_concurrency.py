"""20 annotators claim and submit in parallel threads against PostgreSQL."""

import threading
from collections import Counter

import pytest
from django.db import connection

from core.roles import Role
from monitoring.review.models import Review, ReviewItem, ReviewLease
from monitoring.review.services.claims import review_claim
from monitoring.review.services.labels import review_submit
from tests.factories import UserFactory
from tests.review.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

ANNOTATORS = 20


def test_twenty_annotators_in_parallel_never_over_assign_lose_or_duplicate():
    items = [ReviewItemFactory(required_reviews=2 if i % 3 == 0 else 1) for i in range(30)]
    needed = sum(item.required_reviews for item in items)
    users = [UserFactory(role=Role.ANNOTATOR) for _ in range(ANNOTATORS)]
    barrier = threading.Barrier(ANNOTATORS)
    submitted: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(user):
        try:
            barrier.wait()
            while True:
                lease = review_claim(actor=user)
                if lease is None:
                    return
                # Every live lease plus submitted review stays within the item's requirement.
                item = ReviewItem.objects.get(pk=lease.item_id)
                held = ReviewLease.objects.filter(item=item).exclude(state="skipped").count()
                assert held <= item.required_reviews
                review_submit(actor=user, item_id=lease.item_id, verdict="safe")
                with lock:
                    submitted.append((lease.item_id, user.pk))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(submitted) == needed
    assert len(set(submitted)) == needed  # nobody reviewed the same item twice
    per_item = Counter(item_id for item_id, _ in submitted)
    assert per_item == {item.pk: item.required_reviews for item in items}
    assert Review.objects.count() == needed
    assert not ReviewItem.objects.filter(status="open").exists()
