"""Signing in: lockout after repeated failures (by user name and by address), sign-ins in the
audit history, and password reset by email with links to where Steward is served."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from core.models import AuditEvent
from core.roles import Role

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, make_user):
    make_user(Role.LEGAL, username="lee")  # password: pwlee
    for _ in range(4):
        assert sign_in(client, "lee", "guess").status_code == 200  # the form, with an error
    assert sign_in(client, "lee", "guess").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "lee", "pwlee")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "Try again in 15\xa0minutes" in locked.content.decode()
    # Locked by user name: another address does not help.
    assert sign_in(client, "lee", "pwlee", address="10.0.0.99").status_code == 429


def test_repeated_failures_lock_the_address_for_every_account(client, make_user):
    make_user(Role.PM, username="pat")
    for i in range(5):
        sign_in(client, f"nobody{i}", "guess", address="10.0.0.7")
    assert sign_in(client, "pat", "pwpat", address="10.0.0.7").status_code == 429
    assert sign_in(client, "pat", "pwpat", address="10.0.0.8").status_code == 302


def test_a_success_resets_the_count(client, make_user):
    make_user(Role.PM, username="pat")
    for _ in range(4):
        sign_in(client, "pat", "guess")
    assert sign_in(client, "pat", "pwpat").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "pat", "guess")
    assert sign_in(client, "pat", "pwpat").status_code == 302


def test_sign_ins_and_failures_are_audited(client, make_user):
    user = make_user(Role.PM, username="pat")
    sign_in(client, "pat", "guess", address="10.1.2.3")
    sign_in(client, "pat", "pwpat", address="10.1.2.3")
    events = list(
        AuditEvent.objects.filter(target_id=str(user.pk))
        .order_by("id")
        .values_list("action", "actor__username", "note")
    )
    assert events == [("user.login_fail", None, "10.1.2.3"), ("user.login", "pat", "10.1.2.3")]


def test_password_reset_by_email(client, make_user, settings):
    settings.SITE_URL = "https://steward.example.com"
    make_user(Role.PM, username="pat", email="pat@example.com")
    page = client.post("/password-reset/", {"email": "pat@example.com"})
    assert page.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https://steward\.example\.com(/password-reset/\S+/)", message.body)
    assert link, message.body
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-much-better-pass-42", "new_password2": "a-much-better-pass-42"},
    )
    assert done.status_code == 302
    assert sign_in(client, "pat", "a-much-better-pass-42").status_code == 302
    client.logout()
    again = client.get(link.group(1), follow=True)
    assert "has been used already or has expired" in again.content.decode()
    # An unknown address gets the same answer and no email: accounts cannot be probed.
    assert client.post("/password-reset/", {"email": "who@example.com"}).status_code == 302
    assert len(mail.outbox) == 1


def test_login_page_offers_the_reset(client):
    assert 'href="/password-reset/"' in client.get("/login/").content.decode()
