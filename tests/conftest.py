"""Fixtures shared by every test: users per role, API clients, a real worker, a browser."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from core.roles import Role
from core.services import api_token_create
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# live server and by fixtures from that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_configure(config: pytest.Config) -> None:
    # Hashing a password the production way takes a fraction of a second; tests create
    # hundreds of users. MD5 is fine for throwaway test users and nowhere else.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    def make(role: Role | None = None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def pm(make_user):
    return make_user(Role.PM, username="pm_user")


@pytest.fixture
def legal(make_user):
    return make_user(Role.LEGAL, username="legal_user")


@pytest.fixture
def annotator(make_user):
    return make_user(Role.ANNOTATOR, username="annotator_user")


@pytest.fixture
def pipeline(make_user):
    return make_user(Role.PIPELINE, username="pipeline_user")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="admin_user")


@pytest.fixture
def api():
    """`api(user)` → an APIClient authenticated as `user` with a real bearer token."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            _, raw = api_token_create(user=user, name="test")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def client_as(client):
    """`client_as(user)` → the Django test client logged in as `user`."""

    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    """`login(user)` logs the browser in through the real login form."""

    def do_login(user, password: str | None = None):
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password or f"pw{user.username}")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_login
