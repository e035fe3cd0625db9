"""Alert rules fire once, notify, recover on their own, and can be acknowledged/resolved."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from core.models import Notification
from monitoring.breaker import guard_breaker_failure, guard_breaker_reset
from monitoring.review.models import Alert, AlertRule
from monitoring.review.services.alerts import alert_webhook_send, alerts_evaluate
from tests.review.factories import GuardScanFactory, ReviewItemFactory

pytestmark = pytest.mark.django_db


def test_unsafe_rate_alert_fires_once_notifies_and_recovers(pm, legal, annotator):
    rule = AlertRule.objects.create(
        name="Unsafe spike", kind="unsafe_rate", threshold=0.5, window_minutes=60
    )
    GuardScanFactory.create_batch(3, verdict="unsafe")
    GuardScanFactory(verdict="safe")
    alerts_evaluate()
    alerts_evaluate()
    alert = Alert.objects.get()
    assert alert.status == "firing"
    assert alert.value == pytest.approx(0.75)
    assert "75.0%" in alert.message
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {pm.username, legal.username}

    GuardScanFactory.create_batch(6, verdict="safe")
    alerts_evaluate()
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolved_by is None
    assert Notification.objects.filter(title=f"Recovered: {rule.name}").count() == 2


def test_backlog_guard_error_and_circuit_rules():
    AlertRule.objects.create(name="Backlog", kind="backlog", threshold=2)
    AlertRule.objects.create(name="Errors", kind="guard_error_rate", threshold=0.2)
    AlertRule.objects.create(name="Circuit", kind="circuit_open", threshold=0)
    ReviewItemFactory.create_batch(3)
    GuardScanFactory(verdict="error")
    GuardScanFactory(verdict="safe")
    for _ in range(3):  # the breaker's default threshold of consecutive failures
        guard_breaker_failure("model crashed")
    try:
        alerts_evaluate()
    finally:
        guard_breaker_reset()
    assert set(Alert.objects.values_list("rule__name", flat=True)) == {
        "Backlog",
        "Errors",
        "Circuit",
    }
    alerts_evaluate()
    assert set(Alert.objects.filter(status="resolved").values_list("rule__name", flat=True)) == {
        "Circuit"
    }


def test_lease_expiries_rule(annotator):
    from datetime import timedelta

    from django.utils import timezone

    from monitoring.review.models import ReviewLease
    from monitoring.review.services.claims import leases_expire, review_claim

    AlertRule.objects.create(name="Leases", kind="lease_expiries", threshold=0)
    ReviewItemFactory()
    review_claim(actor=annotator)
    ReviewLease.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    leases_expire()
    alerts_evaluate()
    assert Alert.objects.get().value == 1


def test_acknowledge_and_resolve_from_the_alert_page(client_as, pm, annotator):
    rule = AlertRule.objects.create(name="Backlog", kind="backlog", threshold=0)
    ReviewItemFactory()
    alerts_evaluate()
    alert = Alert.objects.get(rule=rule)
    client = client_as(annotator)
    assert client.post(f"/monitoring/review/alerts/{alert.pk}/acknowledge/").status_code == 403
    client = client_as(pm)
    page = client.get("/monitoring/review/alerts/")
    assert b"Backlog" in page.content and b"Acknowledge" in page.content
    client.post(f"/monitoring/review/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == ("acknowledged", pm)
    client.post(f"/monitoring/review/alerts/{alert.pk}/resolve/")
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by) == ("resolved", pm)
    exported = client.get("/monitoring/review/alerts/?export=csv").content.decode().splitlines()
    assert exported[0].startswith("fired_at,rule,kind,status")
    assert ",Backlog,backlog,resolved," in exported[1]


def test_webhook_receives_the_alert_as_json():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    rule = AlertRule.objects.create(
        name="Hook",
        kind="backlog",
        threshold=0,
        webhook_url=f"http://127.0.0.1:{server.server_port}/hook",
    )
    alert = Alert.objects.create(rule=rule, value=3, message="Open items: 3")
    assert alert_webhook_send(alert_id=alert.pk, title="Alert: Hook") is True
    thread.join(timeout=10)
    server.server_close()
    assert received == [
        {
            "title": "Alert: Hook",
            "rule": "Hook",
            "kind": "backlog",
            "status": "firing",
            "value": 3.0,
            "message": "Open items: 3",
            "fired_at": alert.fired_at.isoformat(),
        }
    ]
