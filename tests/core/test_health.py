"""Health probes: liveness on the database, readiness on broker and worker too."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.celery_worker import running_worker

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_down():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='127.0.0.1').get('/healthz');"
        "print(r.status_code, r.json()['status'], r.json()['database'])"
    )
    env = os.environ | {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/steward"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    status, state, detail = out.stdout.split()[:3]
    assert (status, state) == ("503", "unavailable")
    assert detail == "unavailable:"


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_readyz_needs_a_worker(client):
    without = client.get("/readyz")
    assert without.status_code == 503
    assert without.json()["worker"] == "no worker answered a ping"
    assert without.json()["broker"] == "ok"
    with running_worker():
        ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json()
    assert ready.json()["status"] == "ok"
    assert ready.json()["worker"].startswith("ok")
