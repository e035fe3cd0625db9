"""Start a real Celery worker process against the test database and the Redis broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _test_database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


def purge_queues(queues: str) -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        for queue in queues.split(","):
            conn.default_channel.queue_purge(queue)  # type: ignore[attr-defined]


@contextmanager
def running_worker(
    *,
    queues: str = "celery,guard",
    pool: str = "solo",
    concurrency: int = 1,
    extra_env: dict[str, str] | None = None,
    log_path: Path | None = None,
    ready_timeout: float = 60.0,
):
    """Yield a `subprocess.Popen` of a worker that answers pings; stop it afterwards.

    Use with `@pytest.mark.django_db(transaction=True)` so the worker sees committed rows.
    """
    from config.celery import app

    purge_queues(queues)
    hostname = f"test-{os.getpid()}-{time.monotonic_ns()}@localhost"
    env = os.environ | {"DATABASE_URL": _test_database_url()} | (extra_env or {})
    log = open(log_path or os.devnull, "ab")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--queues",
            queues,
            "--hostname",
            hostname,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited early with code {proc.returncode}")
            if app.control.ping(destination=[hostname], timeout=0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not answer a ping in time")
        proc.hostname = hostname  # type: ignore[attr-defined]
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, message: str = ""):
    """Poll `predicate` until it returns something truthy; fail with `message` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(message or "condition not met in time")
