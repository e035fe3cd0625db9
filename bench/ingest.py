"""Bulk ingestion throughput: the API path against a raw psycopg COPY of the same rows.

    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://... HTTPS_ONLY=false \
        .venv/bin/python bench/ingest.py --rows 20000 --repeat 3   (or --smoke: seconds)

Both paths write the same rows into the same table (monitoring_modeloutput) in the same run;
the API path goes through the whole Django stack in-process (token auth, throttling, JSON
parsing, per-item validation, the insert, queueing scan tasks on commit, the per-item answer),
in requests of 1,000 items; the baseline COPYs the same 1,000-row chunks, one transaction
each. The two alternate chunk by chunk. Rows are removed afterwards. Prints rows/s for both
and the ratio.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

# What this script uses of Steward, all here (update these if the apps move things): the
# ingest validator (to prepare the COPY baseline's rows exactly as the API stores them), the
# outputs table by app label, the pipeline user and token through management commands, the
# bulk endpoint by URL and the scan queue by name.
from config.celery import app as celery_app  # noqa: E402
from monitoring.ingest import item_clean  # noqa: E402

OUTPUTS_TABLE = apps.get_model("monitoring", "ModelOutput")._meta.db_table
BULK_URL = "/api/v1/outputs/bulk/"
PIPELINE_ROLE = "Pipeline"
SCAN_QUEUE = "guard"
SMOKE = {"rows": 300, "batch": 100, "repeat": 2}

WORDS = [
    "the",
    "model",
    "answer",
    "policy",
    "user",
    "account",
    "password",
    "reset",
    "billing",
    "refund",
    "order",
    "delivery",
    "support",
    "product",
    "feature",
    "question",
    "settings",
    "security",
    "please",
    "thanks",
    "help",
    "issue",
    "error",
    "update",
    "version",
    "release",
    "data",
    "privacy",
    "request",
    "change",
    "email",
    "phone",
    "address",
    "invoice",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def make_items(count: int, project: str, seed: int = 7) -> list[dict]:
    """Realistic support-bot outputs: 2 to 6 turns, 20 to 400 words each."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        turns = rng.choice((2, 2, 2, 4, 6))
        conversation = [
            {
                "role": "user" if t % 2 == 0 else "assistant",
                "content": sentence(rng, rng.randint(20, 80 if t % 2 == 0 else 400)),
            }
            for t in range(turns)
        ]
        items.append(
            {
                "external_id": f"out-{n:07d}",
                "project": project,
                "model": rng.choice(("llama-3-8b", "qwen-2.5-7b", "mistral-7b")),
                "model_version": "2026-11",
                "conversation": conversation,
                "metadata": {"trace_id": uuid.UUID(int=rng.getrandbits(128)).hex, "lang": "en"},
            }
        )
    return items


def copy_rows(items: list[dict], conn: psycopg.Connection) -> float:
    """Seconds for COPY of the prepared rows (already serialised, digests computed)."""
    rows = []
    for item in items:
        clean = item_clean(item)
        rows.append(
            (
                clean.project,
                clean.external_id,
                clean.model,
                clean.model_version,
                clean.conversation_json,
                clean.metadata_json,
                clean.conversation_sha256,
            )
        )
    table = OUTPUTS_TABLE
    columns = (
        "project, external_id, model, model_version, conversation, metadata, "
        "conversation_sha256, received_at"
    )
    started = time.perf_counter()
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        now = timezone.now()
        for row in rows:
            copy.write_row((*row, now))
    conn.commit()
    return time.perf_counter() - started


def api_rows(items: list[dict], client: Client) -> float:
    """Seconds for pushing the items through POST /api/v1/outputs/bulk/ in one request."""
    body = json.dumps({"items": items})
    started = time.perf_counter()
    response = client.post(BULK_URL, body, content_type="application/json")
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or response.json()["created"] != len(items):
        raise SystemExit(f"API push failed: {response.status_code} {response.content[:300]!r}")
    return elapsed


def raw_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )


def cleanup(prefix: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OUTPUTS_TABLE} WHERE project LIKE %s", [f"{prefix}%"])


def purge_scan_queue() -> None:
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(SCAN_QUEUE)


def pipeline_token(name: str) -> str:
    """A bearer token for a Pipeline user, through `manage.py add_user` / `create_api_token`."""
    call_command("add_user", name, role=PIPELINE_ROLE, stdout=io.StringIO())
    out = io.StringIO()
    call_command("create_api_token", name, label="bench", stdout=out)
    return out.getvalue().split()[-1]  # the token is the last line


def refuse_test_database() -> None:
    name = str(settings.DATABASES["default"]["NAME"])
    if name.startswith("test_"):
        raise SystemExit(
            f"{Path(__file__).name}: refusing to write into {name!r}, which looks like "
            "pytest's test database; give the bench a database of its own in DATABASE_URL."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="a tiny size that runs in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.batch, args.repeat = SMOKE["rows"], SMOKE["batch"], SMOKE["repeat"]
    refuse_test_database()

    call_command("migrate", verbosity=0, interactive=False)
    token = pipeline_token("bench-pipeline")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    items = make_items(args.rows, "x")
    payload_mb = len(json.dumps({"items": items[: args.batch]})) / 1e6
    print(f"{args.rows} rows, {args.batch} per request (~{payload_mb:.2f} MB), {args.repeat} runs")

    conn = raw_connection()
    chunks = [items[i : i + args.batch] for i in range(0, len(items), args.batch)]
    ratios, copy_rates, api_rates = [], [], []
    try:
        # Warm-up (not timed): first request, connections, temporary table, broker connection.
        warm = [item | {"project": f"{prefix}-warm"} for item in chunks[0]]
        copy_rows(warm, conn)
        cleanup(f"{prefix}-warm")
        api_rows(warm, client)
        cleanup(f"{prefix}-warm")
        for run in range(args.repeat):
            # The two paths alternate chunk by chunk, so both see the same load on the machine
            # and the same table size.
            copy_s = api_s = 0.0
            for chunk in chunks:
                copy_s += copy_rows([i | {"project": f"{prefix}-copy-{run}"} for i in chunk], conn)
                api_s += api_rows([i | {"project": f"{prefix}-api-{run}"} for i in chunk], client)
            cleanup(prefix)
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {OUTPUTS_TABLE}")
            copy_rates.append(args.rows / copy_s)
            api_rates.append(args.rows / api_s)
            ratios.append(api_rates[-1] / copy_rates[-1])
            print(
                f"run {run + 1}: COPY {copy_rates[-1]:,.0f} rows/s, "
                f"API bulk {api_rates[-1]:,.0f} rows/s, ratio {ratios[-1]:.2f}"
            )
        # For reference: one COPY of every row in a single transaction (no per-request commits).
        whole = args.rows / copy_rows([i | {"project": f"{prefix}-whole"} for i in items], conn)
    finally:
        conn.close()
        cleanup(prefix)
        purge_scan_queue()
    print(f"median COPY (baseline)   {statistics.median(copy_rates):10,.0f} rows/s")
    print(f"median API bulk          {statistics.median(api_rates):10,.0f} rows/s")
    print(f"median ratio API / COPY   {statistics.median(ratios):9.2f}  (goal >= 0.50)")
    api_rate = statistics.median(api_rates)
    print(
        f"reference: one COPY of all {args.rows} rows in one transaction {whole:,.0f} rows/s "
        f"(API / that = {api_rate / whole:.2f})"
    )


if __name__ == "__main__":
    main()
