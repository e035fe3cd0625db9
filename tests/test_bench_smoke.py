"""Every script in bench/ still runs: its --smoke size completes and prints its figures.

Nothing is timed here; the point is that a benchmark cannot rot unnoticed (a schema change, a
moved function). Each script runs as its own process, as a person would run it, against a
scratch database this module creates and drops (never pytest's test database), with an
in-memory Celery broker so nothing reaches the Redis the other tests use.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
NUMBER = r"[\d,]+(?:\.\d+)?"

# Per script: whether it needs a database, and the figure lines its output must contain.
SCRIPTS = {
    "dashboard_scale.py": (
        True,
        [
            rf"^small\s+{NUMBER} outputs: fill\s+{NUMBER} s, .*dashboard\s+{NUMBER} ms .*"
            rf"claim\s+{NUMBER} ms",
            rf"^large\s+{NUMBER} outputs: fill\s+{NUMBER} s, ",
            rf"^ratio large/small \(median, best\): dashboard {NUMBER}x, {NUMBER}x; "
            rf"claim {NUMBER}x, {NUMBER}x",
        ],
    ),
    "ingest.py": (
        True,
        [
            rf"^run 1: COPY {NUMBER} rows/s, API bulk {NUMBER} rows/s, ratio {NUMBER}$",
            rf"^median ratio API / COPY\s+{NUMBER}",
            rf"^reference: one COPY of all {NUMBER} rows .*\(API / that = {NUMBER}\)$",
        ],
    ),
    "guard_throughput.py": (
        False,
        [
            rf"^recipe \(apply_chat_template \+ generate\)\s+{NUMBER}\s+1\.00\s",
            rf"^engine, prefix cached \(steady state\)\s+{NUMBER}\s+{NUMBER}\s",
            rf"^engine, cold \(incl\. one-off prefix\)\s+{NUMBER}\s+{NUMBER}\s",
            r"^paths agree$",
        ],
    ),
}
NEEDS = {"guard_throughput.py": ("torch", "transformers")}


def _on_database(url: str, name: str) -> str:
    """The same server and credentials as `url` (TCP or socket), database `name`."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def scratch_database_url() -> Iterator[str]:
    """A database of the bench's own on the test server, dropped afterwards."""
    # The URL the project was configured with: pytest-django renames the database in
    # settings.DATABASES to its test_ one, but server and credentials are what we need.
    server = settings.DATABASE_URL
    name = f"steward_bench_smoke_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_on_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _on_database(server, name)
    finally:
        with psycopg.connect(_on_database(server, "postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_every_bench_script_has_a_smoke_test() -> None:
    assert sorted(p.name for p in BENCH.glob("*.py") if not p.name.startswith("_")) == sorted(
        SCRIPTS
    )


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_bench_script_smoke_size_runs_and_prints_its_figures(
    script: str, request: pytest.FixtureRequest
) -> None:
    for module in NEEDS.get(script, ()):
        pytest.importorskip(module)
    needs_database, figures = SCRIPTS[script]
    env = os.environ | {"CELERY_BROKER_URL": "memory://", "HTTPS_ONLY": "false"}
    if needs_database:
        env["DATABASE_URL"] = request.getfixturevalue("scratch_database_url")
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{script} --smoke exited {done.returncode}:\n{done.stderr}"
    for figure in figures:
        assert re.search(figure, done.stdout, re.MULTILINE), (
            f"{script} --smoke printed no line matching {figure!r}:\n{done.stdout}"
        )
