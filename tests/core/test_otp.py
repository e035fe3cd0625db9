"""Two-factor sign-in: enrolment with a real authenticator code (RFC 6238, computed here from the
secret Steward shows), the code after a password sign-in, backup codes, and roles that must
enrol before using any page while API tokens stay unaffected."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from core.roles import Role

pytestmark = pytest.mark.django_db


def totp_code(secret: str, at: float | None = None, step: int = 30) -> str:
    """What an authenticator app shows for a base32 `secret` (RFC 6238, SHA-1, six digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def secret_of(otpauth_uri: str) -> str:
    return parse_qs(urlsplit(otpauth_uri).query)["secret"][0]


def sign_in(client, user):
    response = client.post("/login/", {"username": user.username, "password": f"pw{user.username}"})
    assert response.status_code == 302
    return response


def enrolled_secret(user) -> str:
    """An authenticator already set up for `user` (as after enrolment), never used yet."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return secret_of(device.config_url)


def test_enrolment_shows_the_secret_and_confirms_with_a_real_code(client, make_user):
    user = make_user(Role.PM, username="pat")
    sign_in(client, user)
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    html = page.content.decode()
    uri = unescape(re.search(r"<code>(otpauth://totp/[^<]+)</code>", html).group(1))
    assert uri.startswith("otpauth://totp/Steward%3Apat?") or "Steward:pat" in uri
    assert "<svg" in html  # the QR code, inline
    secret = secret_of(uri)

    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    time.sleep(1.1)  # django-otp makes each wrong code cost a doubling wait (1 s, 2 s, …)
    done = client.post("/account/two-factor/", {"code": totp_code(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(action="user.two_factor_enrol", target_id=str(user.pk))
    # The session that enrolled is verified: pages open.
    assert client.get("/").status_code == 200
    assert "Two-factor sign-in is on" in client.get("/account/two-factor/").content.decode()


def test_a_password_sign_in_must_be_followed_by_a_code(client, make_user):
    user = make_user(Role.LEGAL, username="lee")
    secret = enrolled_secret(user)
    sign_in(client, user)
    blocked = client.get("/governance/")
    assert blocked.status_code == 302
    assert blocked["Location"] == "/account/two-factor/verify/?next=%2Fgovernance%2F"
    assert client.get("/api/v1/me/").status_code == 403  # the session, not yet verified
    # Enrolling a second authenticator is no way around the code.
    assert client.get("/account/two-factor/")["Location"].startswith("/account/two-factor/verify/")

    wrong = client.post("/account/two-factor/verify/", {"code": "123456", "next": "/governance/"})
    assert wrong.status_code == 400
    assert AuditEvent.objects.filter(action="user.two_factor_fail", target_id=str(user.pk))
    assert client.get("/governance/").status_code == 302

    # A wrong code costs a wait (doubling with each): the right one is refused until then.
    assert (
        client.post("/account/two-factor/verify/", {"code": totp_code(secret)}).status_code == 400
    )
    time.sleep(2.1)
    right = client.post(
        "/account/two-factor/verify/", {"code": totp_code(secret), "next": "/governance/"}
    )
    assert right.status_code == 302 and right["Location"] == "/governance/"
    assert client.get("/governance/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_the_same_code_cannot_be_used_twice(client, make_user):
    user = make_user(Role.PM, username="pat")
    secret = enrolled_secret(user)
    code = totp_code(secret)
    sign_in(client, user)
    assert client.post("/account/two-factor/verify/", {"code": code}).status_code == 302
    client.logout()
    sign_in(client, user)
    assert client.post("/account/two-factor/verify/", {"code": code}).status_code == 400


def test_a_backup_code_works_once(client, make_user):
    user = make_user(Role.PM, username="pat")
    secret = enrolled_secret(user)
    sign_in(client, user)
    client.post("/account/two-factor/verify/", {"code": totp_code(secret)})
    page = client.post("/account/two-factor/backup-codes/").content.decode()
    backup = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)[0]
    client.logout()

    sign_in(client, user)
    assert client.post("/account/two-factor/verify/", {"code": backup}).status_code == 302
    assert client.get("/").status_code == 200
    client.logout()
    sign_in(client, user)
    assert client.post("/account/two-factor/verify/", {"code": backup}).status_code == 400


def test_required_roles_must_enrol_before_any_page(client, make_user, settings, api):
    settings.OTP_REQUIRED_ROLES = ["Legal", "Admin"]
    legal = make_user(Role.LEGAL, username="lee")
    pm = make_user(Role.PM, username="pat")

    sign_in(client, pm)  # not a required role: no code, no enrolment
    assert client.get("/").status_code == 200
    client.logout()

    sign_in(client, legal)
    response = client.get("/governance/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/?next=%2Fgovernance%2F"
    htmx = client.get("/governance/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/account/two-factor/?next=%2Fgovernance%2F"
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 403 and refused.json()["error"] == "two_factor_required"
    # A bearer token is no session: pipelines and scripts are unaffected.
    assert api(legal).get("/api/v1/me/").status_code == 200

    page = client.get(response["Location"])
    assert page.status_code == 200 and "Your role requires two-factor" in page.content.decode()
    secret = secret_of(TOTPDevice.objects.get(user=legal, confirmed=False).config_url)
    client.post("/account/two-factor/", {"code": totp_code(secret), "next": "/governance/"})
    assert client.get("/governance/").status_code == 200


def test_removing_two_factor_needs_a_verified_session(client, make_user):
    user = make_user(Role.PM, username="pat")
    secret = enrolled_secret(user)
    sign_in(client, user)
    assert client.post("/account/two-factor/remove/").status_code == 302
    assert TOTPDevice.objects.filter(user=user).exists()  # redirected to the code page
    client.post("/account/two-factor/verify/", {"code": totp_code(secret)})
    client.post("/account/two-factor/remove/")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="user.two_factor_remove", target_id=str(user.pk))
