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


def _connect(dbname: str) -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture(scope="module")
def scratch_database_url() -> Iterator[str]:
    """A database of the bench's own on the test server, dropped afterwards."""
    db = settings.DATABASES["default"]
    name = f"steward_bench_smoke_{uuid.uuid4().hex[:10]}"
    with _connect("postgres") as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        yield f"postgres://{db.get('USER') or ''}{password}@{host}:{port}/{name}"
    finally:
        with _connect("postgres") as conn:
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
