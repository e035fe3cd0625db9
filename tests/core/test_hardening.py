"""Request-wide guards and production settings that refuse unsafe configurations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "x7!kq2@v9#Lm4$Pz8^Rt1&Wy6*Hb3(Nc5)Jd0_Fg-Se+Ua=Ox|Ei~Qo"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/governance/datasets/?q=a%00b",
        "/planner/?status=%00",
        "/governance/licenses/MIT%00/",
        "/monitoring/outputs/?project=x\x00y",
    ],
)
def test_a_nul_byte_in_a_page_address_is_a_400_that_says_so(client_as, make_user, url):
    from core.roles import Role

    response = client_as(make_user(Role.ADMIN)).get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/api/v1/datasets/?q=%00", "/api/v1/policies/?slug=a%00", "/api/v1/notifications/?id=%00"],
)
def test_a_nul_byte_in_an_api_address_is_a_json_400(api, make_user, url):
    from core.roles import Role

    response = api(make_user(Role.ADMIN)).get(url)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert "NUL character" in response.json()["detail"]


def test_a_signed_in_session_lasts_a_working_day_by_default():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def _production(extra: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    env = (
        os.environ
        | {
            "STEWARD_ENV": "production",
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "testserver",
        }
        | extra
    )
    env.pop("HTTPS_ONLY", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = ["-c", code] if code else ["manage.py", "check"]
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_debug():
    out = _production({"DEBUG": "true"})
    assert out.returncode != 0
    assert "DEBUG=true" in out.stderr and "refused" in out.stderr


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("django-insecure-" + "k" * 60, "development key"),
        ("short-but-random-9f8e7d", "use at least 50"),
        ("ab" * 40, "distinct characters"),
    ],
)
def test_production_refuses_a_weak_secret_key(key, reason):
    out = _production({"SECRET_KEY": key})
    assert out.returncode != 0
    assert "SECRET_KEY is too weak for production" in out.stderr and reason in out.stderr


@pytest.mark.django_db
def test_production_keeps_the_api_docs_behind_a_login_unless_made_public():
    from django.db import connection

    db = connection.settings_dict  # the schema reads pickers' choices: use the test database
    database = {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    probe = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); from django.test import Client; c = Client();"
        "print(c.get('/api/schema/', secure=True).status_code,"
        " c.get('/api/docs/', secure=True).status_code)"
    )
    private = _production(database, probe)
    assert private.returncode == 0, private.stderr
    schema, docs = private.stdout.split()
    assert schema in {"401", "403"} and docs == "302"
    public = _production(database | {"API_DOCS_PUBLIC": "true"}, probe)
    assert public.stdout.split() == ["200", "200"], public.stderr


def test_favicon_is_served(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith("img/steward.svg")
