"""Single sign-on against a real OpenID Connect provider: django-oauth-toolkit with OIDC on, run
as a second Django process on a loopback port with its own SQLite database and an RSA key made
here. The browser's part (sign-in and consent at the provider) is played with `requests`;
Steward exchanges the code at the provider's real token endpoint."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from core import sso
from core.models import AuditEvent
from core.roles import Role, user_roles

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
CLIENT_ID = "steward-test-client"
CLIENT_SECRET = "s3cret-" + "k" * 40
PEOPLE = {
    "alice": {"email": "alice@example.org", "name": "Alice", "groups": ["steward-legal", "staff"]},
    "bob": {"email": "bob@example.org", "name": "Bob", "groups": ["steward-pm"]},
    "carol": {"email": "carol@example.org", "name": "Carol", "groups": ["staff"]},
}


class Provider:
    def __init__(self, issuer: str, directory: Path) -> None:
        self.issuer = issuer
        self.directory = directory

    def set_people(self, people: dict) -> None:
        self.directory.write_text(json.dumps(people))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    home = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (home / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    provider = Provider("", home / "people.json")
    provider.set_people(PEOPLE)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(REPO),
        "PROVIDER_DATABASE": str(home / "provider.sqlite3"),
        "PROVIDER_DIRECTORY": str(provider.directory),
        "PROVIDER_RSA_KEY_FILE": str(home / "key.pem"),
    }
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.bootstrap", CLIENT_ID, CLIENT_SECRET,
         "http://testserver/oidc/callback/"],
        env=env, cwd=REPO, check=True,
    )  # fmt: skip
    port = _free_port()
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    provider.issuer = f"http://127.0.0.1:{port}/o"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2)
            break
        except requests.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((home / "server.log").read_text()) from None
            time.sleep(0.2)
    yield provider
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture
def idp(oidc_provider, settings):
    """Steward configured for the test provider, whose directory starts from PEOPLE."""
    oidc_provider.set_people(PEOPLE)
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_ROLE_MAP = {"steward-legal": "Legal", "steward-pm": "PM"}
    settings.OIDC_PROVIDER_NAME = "Example ID"
    settings.OIDC_ACCESS_CONTACT = ""
    sso._discovery_cache.clear()
    return oidc_provider


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    form = _Form()
    form.feed(html)
    return form.fields


def sso_sign_in(client, username: str, next_url: str = "/"):
    """Steward → provider sign-in → consent → Steward's callback; the callback's response."""
    start = client.get("/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302
    authorize_url = start["Location"]
    browser = requests.Session()
    to_login = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert to_login.status_code == 302, to_login.text
    login_url = urljoin(authorize_url, to_login.headers["Location"])
    login_page = browser.get(login_url, timeout=10)
    fields = hidden_fields(login_page.text)
    fields.update(username=username, password=f"pw{username}")
    signed_in = browser.post(login_url, data=fields, allow_redirects=False, timeout=10)
    assert signed_in.status_code == 302, signed_in.text
    consent = browser.get(urljoin(login_url, signed_in.headers["Location"]), timeout=10)
    assert consent.status_code == 200 and "authorizationForm" in consent.text, consent.text
    answer = hidden_fields(consent.text)
    answer["allow"] = "Authorize"
    to_steward = browser.post(consent.url, data=answer, allow_redirects=False, timeout=10)
    assert to_steward.status_code == 302, to_steward.text
    callback = urlsplit(to_steward.headers["Location"])
    assert callback.netloc == "testserver" and callback.path == "/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def test_login_page_offers_the_provider_only_when_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get("/login/").content.decode()
    assert "Sign in with" not in page and 'name="password"' in page
    assert client.get("/oidc/authenticate/").status_code == 404

    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_ISSUER = "https://id.example.org"
    settings.OIDC_PROVIDER_NAME = "Example ID"
    page = client.get("/login/?next=/audit/").content.decode()
    assert "Sign in with Example ID" in page
    assert "/oidc/authenticate/?next=%2Faudit%2F" in page
    assert 'name="password"' in page


def test_sign_in_creates_the_user_with_roles_from_the_groups_claim(client, idp):
    response = sso_sign_in(client, "alice", next_url="/audit/")
    assert response.status_code == 302 and response["Location"] == "/audit/"
    user = User.objects.get(email="alice@example.org")
    assert user.username == "alice" and user.first_name == "Alice"
    assert not user.has_usable_password()
    assert user_roles(user) == {Role.LEGAL}  # "staff" gives no role
    assert client.get("/").status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk
    login = AuditEvent.objects.get(action="user.login", target_id=str(user.pk))
    assert login.actor == user


def test_signing_in_again_follows_the_groups_at_the_provider(client, idp):
    assert sso_sign_in(client, "alice").status_code == 302
    client.logout()
    idp.set_people({**PEOPLE, "alice": {**PEOPLE["alice"], "groups": ["steward-pm"]}})
    assert sso_sign_in(client, "alice").status_code == 302
    user = User.objects.get(email="alice@example.org")
    assert user_roles(user) == {Role.PM}
    sync = AuditEvent.objects.filter(action="user.roles_sync", target_id=str(user.pk))
    assert sync.count() == 2  # created with Legal, then Legal → PM
    assert sync.latest("created_at").changes["roles"] == [["Legal"], ["PM"]]


def test_an_existing_account_is_matched_by_email_and_its_password_form_role_replaced(
    client, idp, make_user
):
    existing = make_user(Role.ANNOTATOR, username="bobby", email="BOB@example.org")
    assert sso_sign_in(client, "bob").status_code == 302
    existing.refresh_from_db()
    assert user_roles(existing) == {Role.PM}
    assert User.objects.filter(email__iexact="bob@example.org").count() == 1


def test_someone_with_no_mapped_group_is_refused_and_told_whom_to_ask(client, idp, make_user):
    make_user(Role.ADMIN, username="root", first_name="Rita", last_name="Admin")
    response = sso_sign_in(client, "carol")
    assert response.status_code == 403
    page = response.content.decode()
    assert "no Steward role" in page and "carol@example.org" in page
    assert "steward-legal" in page and "Rita Admin" in page
    assert not User.objects.filter(email="carol@example.org").exists()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out


def test_losing_every_mapped_group_removes_the_roles_and_refuses(client, idp, settings):
    assert sso_sign_in(client, "bob").status_code == 302
    client.logout()
    idp.set_people({**PEOPLE, "bob": {**PEOPLE["bob"], "groups": []}})
    settings.OIDC_ACCESS_CONTACT = "the service desk"
    response = sso_sign_in(client, "bob")
    assert response.status_code == 403
    assert "ask the service desk" in response.content.decode()
    bob = User.objects.get(email="bob@example.org")
    assert user_roles(bob) == frozenset()
    assert AuditEvent.objects.filter(action="user.login_fail", target_id=str(bob.pk)).exists()


def test_sso_only_hides_the_password_form_and_refuses_passwords(
    client, idp, settings, make_user, rf
):
    settings.OIDC_ONLY = True
    make_user(Role.PM, username="pat")
    page = client.get("/login/").content.decode()
    assert "Sign in with Example ID" in page
    assert 'name="password"' not in page and "Forgot your password" not in page
    refused = client.post("/login/", {"username": "pat", "password": "pwpat"})
    assert refused.status_code == 403
    assert "Password sign-in is turned off" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Every other password path (the admin's sign-in form) is closed too.
    assert authenticate(rf.post("/admin/login/"), username="pat", password="pwpat") is None
    assert sso_sign_in(client, "alice").status_code == 302


def test_a_refused_code_or_replayed_callback_signs_nobody_in_and_logs_no_secret(
    client, idp, caplog
):
    caplog.set_level(logging.DEBUG)
    start = client.get("/oidc/authenticate/")
    state = dict(part.split("=", 1) for part in urlsplit(start["Location"]).query.split("&"))[
        "state"
    ]
    response = client.get("/oidc/callback/", {"code": "made-up", "state": state})
    # The provider refuses the made-up code at its token endpoint: nobody is signed in.
    assert response.status_code == 502
    assert "_auth_user_id" not in client.session
    assert client.get("/oidc/callback/", {"code": "made-up", "state": state}).status_code == 400
    assert "token exchange failed" in caplog.text
    assert CLIENT_SECRET not in caplog.text


def test_endpoints_can_be_given_without_discovery(client, idp, settings):
    document = requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_ISSUER = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = document["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = document["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
    assert sso_sign_in(client, "bob").status_code == 302
    assert user_roles(User.objects.get(email="bob@example.org")) == {Role.PM}


def test_a_provider_session_counts_as_two_factor_unless_configured(client, idp, settings):
    settings.OTP_REQUIRED_ROLES = ["Legal"]
    assert sso_sign_in(client, "alice").status_code == 302
    assert client.get("/").status_code == 200
    settings.OTP_AFTER_SSO = True
    assert client.get("/")["Location"] == "/account/two-factor/?next=%2F"


def test_the_admin_role_follows_the_provider_too(client, idp, settings):
    settings.OIDC_ROLE_MAP = {**settings.OIDC_ROLE_MAP, "steward-admins": "Admin"}
    idp.set_people({**PEOPLE, "bob": {**PEOPLE["bob"], "groups": ["steward-admins"]}})
    assert sso_sign_in(client, "bob").status_code == 302
    bob = User.objects.get(email="bob@example.org")
    assert bob.is_superuser and bob.is_staff and user_roles(bob) == {Role.ADMIN}
    client.logout()
    idp.set_people(PEOPLE)  # back to steward-pm only
    assert sso_sign_in(client, "bob").status_code == 302
    bob = User.objects.get(email="bob@example.org")
    assert not bob.is_superuser and not bob.is_staff and user_roles(bob) == {Role.PM}
