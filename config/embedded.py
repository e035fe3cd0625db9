"""Embedded services for `make run`: PostgreSQL started from Python and a serverless broker."""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from pathlib import Path


def var_dir(base_dir: Path) -> Path:
    """The folder holding the embedded database, broker queues and the generated secret key."""
    path = Path(os.environ.get("STEWARD_VAR_DIR", base_dir / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def embedded_database_url(var: Path) -> str:
    """Start (or join) the PostgreSQL server kept under `var/pgdata` and return its URL.

    pgserver reference-counts the processes that use one data directory, so web, worker and
    beat share a single server and the last one to exit stops it.
    """
    # platformdirs (used by pgserver) warns when a server process has no XDG_RUNTIME_DIR;
    # pgserver then falls back to /tmp, which is what we want.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import pgserver

    # pgserver narrates every pg_ctl call at INFO; only problems are worth showing.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    server = pgserver.get_server(_pgdata_dir(var), cleanup_mode="stop")
    server.psql("SELECT 1;")
    uri = server.get_uri(database="steward")
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'steward';")
    if "1 row" not in exists:
        server.psql("CREATE DATABASE steward;")
    return uri


def _pgdata_dir(var: Path) -> Path:
    """`var/pgdata`, unless we run as root under a folder other users cannot enter.

    As root, pgserver runs PostgreSQL as an unprivileged `pgserver` user, which must be able
    to reach the data directory; a checkout under /root (mode 0700) is out of its reach, so
    the data then lives in a folder of its own under /var/tmp, named after the checkout.
    """
    pgdata = var / "pgdata"
    if os.name != "posix" or os.geteuid() != 0:
        return pgdata
    if all(parent.stat().st_mode & 0o001 for parent in var.parents if parent.exists()):
        var.chmod(var.stat().st_mode | 0o011)
        return pgdata
    digest = hashlib.sha256(str(var).encode()).hexdigest()[:12]
    fallback = Path("/var/tmp") / f"steward-{digest}"
    fallback.mkdir(mode=0o755, exist_ok=True)
    return fallback / "pgdata"


def filesystem_broker(var: Path) -> tuple[str, dict]:
    """A kombu filesystem transport under `var/broker`: queues as files, no server needed."""
    root = var / "broker"
    for sub in ("queue", "processed", "control"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(root / "queue"),
        "data_folder_out": str(root / "queue"),
        "processed_folder": str(root / "processed"),
        "control_folder": str(root / "control"),
        "store_processed": False,
    }
    return "filesystem://", options


def secret_key(var: Path) -> str:
    """A random key generated once and kept in `var/secret_key` for installs that set none."""
    from django.core.management.utils import get_random_secret_key

    path = var / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


def secret_key_weakness(key: str) -> str:
    """Why `key` is too weak to sign production sessions and tokens ("" when it is fine),
    by the same measure as Django's deploy check (security.W009)."""
    if key.startswith("django-insecure-"):
        return "it is a development key (starts with 'django-insecure-')"
    if len(key) < 50:
        return f"it has {len(key)} characters; use at least 50"
    if len(set(key)) < 5:
        return "it repeats too few distinct characters; use at least 5"
    return ""
