"""Friendly error pages for people; JSON for the API."""

import pytest

pytestmark = pytest.mark.django_db


def test_404_page_is_friendly(client_as, pm):
    response = client_as(pm).get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Back to the dashboard" in response.content


def test_notifications_empty_state_and_mark_read(client_as, pm):
    from core.services import notify

    client = client_as(pm)
    assert b"You have no notifications" in client.get("/notifications/").content
    notify(users=[pm], title="Policy review overdue", email=False)
    page = client.get("/").content.decode()
    assert '<span class="badge bad">1</span>' in page
    response = client.post("/notifications/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content  # just the fragment
    assert b"Policy review overdue" in response.content
    assert '<span class="badge bad">' not in client.get("/").content.decode()
