"""Review dashboard and claim latency at 10k and at 1M model outputs (rollups keep them flat).

Usage (a scratch database; it is migrated and its review/monitoring tables are emptied):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/steward_review_bench HTTPS_ONLY=false \\
        .venv/bin/python bench/dashboard_scale.py [--small 10000] [--large 1000000] [--smoke]

Outputs are spread over 90 days and 3 model versions; 1 in 10 is unsafe, 1 in 97 a guard
error; 1 in 20 is queued for review, 1 in 200 needs two reviews, 4 in 5 queued items are
settled. Rows are written with INSERT … SELECT generate_series (no ORM loop); the columns the
SQL does not set are filled the way the ORM would fill them (the model field's default, ""
for text, NULL where allowed), so a new column cannot break the script silently: a NOT NULL
column with no default stops it with a message naming the column. Daily rollups are then
rebuilt once; the figures compare the dashboard page (rendered through Django, reading
rollups) and a claim + skip through the review API (SKIP LOCKED, next by priority) at the
large size against the small one. `--smoke` runs a tiny size in seconds (same output).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

# What this script uses of Steward, all here (update these if the apps move things): models by
# app label, the rollup refresh by its beat task name, users through the `add_user` command,
# the dashboard page and the review API by URL.
from config.celery import app as celery_app  # noqa: E402

MODEL_OUTPUT = "monitoring.ModelOutput"
GUARD_SCAN = "monitoring.GuardScan"
REVIEW_ITEM = "review.ReviewItem"
REVIEW = "review.Review"
ROLLUP_DIRTY = "review.RollupDirty"
# Emptied before a run: the rows written here and everything derived from them.
EMPTIED = (
    MODEL_OUTPUT,
    GUARD_SCAN,
    REVIEW_ITEM,
    REVIEW,
    "review.ReviewLease",
    "review.DailyRollup",
    "review.DailyGuardQuality",
    "review.DailyAnnotatorRollup",
    "review.DailyAgreement",
    ROLLUP_DIRTY,
)
ROLLUPS_REFRESH_TASK = "review.rollups_refresh"
DASHBOARD_URL = "/monitoring/review/dashboard/?project={project}&days=30"
CLAIM_URL = "/api/v1/review/claim/"
SKIP_URL = "/api/v1/review/items/{item}/skip/"
ANNOTATOR_ROLE, PM_ROLE = "Annotator", "PM"

PROJECT = "bench"
DAYS = 90  # the data spans this many days back from today
SMOKE = {"small": 200, "large": 1_000, "runs": 3}

# Each table's columns as SQL expressions over the source rows; other columns are filled by
# `insert_select` from the model.
OUTPUT_VALUES = {
    "project": "%(project)s",
    "external_id": "'b-' || g",
    "model": "'bench-model'",
    "model_version": "'v' || (g %% 3)",
    "conversation": """jsonb_build_array(
           jsonb_build_object('role', 'user', 'content', 'question ' || g),
           jsonb_build_object('role', 'assistant', 'content', 'answer ' || g))""",
    "metadata": "'{}'::jsonb",
    "conversation_sha256": "md5(g::text) || md5((g + 1)::text)",
    "received_at": "now() - make_interval(days => g %% 90, secs => g %% 80000)",
}
OUTPUT_SOURCE = "FROM generate_series(%(first)s, %(last)s) AS g"

SCAN_VALUES = {
    "output_id": "o.id",
    "verdict": "CASE WHEN o.id %% 10 = 0 THEN 'unsafe' WHEN o.id %% 97 = 0 THEN 'error' "
    "ELSE 'safe' END",
    "categories": "CASE WHEN o.id %% 10 = 0 THEN ARRAY['S1']::varchar[] ELSE '{}'::varchar[] END",
    "p_unsafe": "CASE WHEN o.id %% 10 = 0 THEN 0.9 ELSE 0.05 END",
    "guard_model": "'bench-guard'",
    "guard_revision": "'r1'",
    "latency_ms": "20",
    "created_at": "o.received_at + interval '1 second'",
}
NEW_OUTPUTS = "FROM {outputs} o WHERE o.project = %(project)s AND o.id > %(after)s"

ITEM_VALUES = {
    "output_id": "o.id",
    "reasons": "ARRAY['random_sample']::varchar[]",
    "priority": "10",
    "status": "CASE WHEN o.id %% 100 = 0 THEN 'open' ELSE 'done' END",
    "required_reviews": "CASE WHEN o.id %% 200 = 20 THEN 2 ELSE 1 END",
    "project": "o.project",
    "final_verdict": "CASE WHEN o.id %% 100 = 0 THEN '' WHEN o.id %% 40 = 0 THEN 'unsafe' "
    "ELSE 'safe' END",
    "final_categories": "CASE WHEN o.id %% 100 <> 0 AND o.id %% 40 = 0 "
    "THEN ARRAY['S1']::varchar[] ELSE '{}'::varchar[] END",
    "final_source": "CASE WHEN o.id %% 100 = 0 THEN '' ELSE 'consensus' END",
    "finalized_at": "CASE WHEN o.id %% 100 = 0 THEN NULL "
    "ELSE o.received_at + interval '1 hour' END",
    "reviewed_at": "CASE WHEN o.id %% 100 = 0 THEN NULL ELSE o.received_at + interval '1 hour' END",
    "created_at": "o.received_at + interval '2 seconds'",
    "updated_at": "now()",
}
ITEM_SOURCE = NEW_OUTPUTS + " AND o.id %% 20 = 0"

REVIEW_VALUES = {
    "item_id": "i.id",
    "user_id": "u.user_id",
    "verdict": "CASE WHEN u.n = 2 AND i.id %% 7 = 0 "
    "THEN (CASE i.final_verdict WHEN 'safe' THEN 'unsafe' ELSE 'safe' END) "
    "ELSE i.final_verdict END",
    "categories": "i.final_categories",
    "helpful": "4",
    "faithful": "'yes'",
    "notes": "''",
    "is_adjudication": "false",
    "seconds_spent": "30",
    "created_at": "i.reviewed_at",
}
REVIEW_SOURCE = """FROM {items} i
JOIN (VALUES (1, %(first_user)s), (2, %(second_user)s)) AS u(n, user_id)
  ON u.n <= i.required_reviews
WHERE i.project = %(project)s AND i.id > %(after)s AND i.status = 'done'"""


def table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def insert_select(
    label: str, values: dict[str, str], source: str, params: dict[str, Any], suffix: str = ""
) -> None:
    """`INSERT INTO <label's table> (...) SELECT <values> <source>`, every column accounted for.

    Columns missing from `values` get what the ORM would write for a field left unset: NULL if
    the column allows it (or the database's own default), else the field's default ("" for
    text fields without one). A NOT NULL column with no default stops the script with a
    message naming it, instead of a constraint error deep in the SQL.
    """
    model = apps.get_model(label)
    fields = {field.column: field for field in model._meta.concrete_fields}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise SystemExit(
            f"{Path(__file__).name}: {model._meta.db_table} has no column(s) {unknown}; "
            f"update the bench's SQL for {label}."
        )
    columns, expressions, params = [], [], dict(params)
    for column, field in fields.items():
        if column in values:
            columns.append(column)
            expressions.append(values[column])
        elif field.primary_key or field.null or field.db_default is not models.NOT_PROVIDED:
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            columns.append(column)
            expressions.append("now()")
        elif field.has_default() or field.empty_strings_allowed:
            name = f"default_{column}"
            params[name] = field.get_db_prep_save(field.get_default(), connection)
            columns.append(column)
            expressions.append(f"%({name})s")
        else:
            raise SystemExit(
                f"{Path(__file__).name}: column {model._meta.db_table}.{column} is NOT NULL and "
                f"its field has no default; give it a value in the bench's SQL for {label}."
            )
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} {source} {suffix}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def max_id(label: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table(label)}")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def fill(first: int, last: int, reviewers: list[User]) -> float:
    started = time.perf_counter()
    after_output, after_item = max_id(MODEL_OUTPUT), max_id(REVIEW_ITEM)
    new = {"project": PROJECT, "after": after_output}
    outputs, items = table(MODEL_OUTPUT), table(REVIEW_ITEM)
    range_ = {"project": PROJECT, "first": first, "last": last}
    insert_select(MODEL_OUTPUT, OUTPUT_VALUES, OUTPUT_SOURCE, range_)
    insert_select(GUARD_SCAN, SCAN_VALUES, NEW_OUTPUTS.format(outputs=outputs), new)
    insert_select(REVIEW_ITEM, ITEM_VALUES, ITEM_SOURCE.format(outputs=outputs), new)
    users = {"first_user": reviewers[0].pk, "second_user": reviewers[1].pk}
    reviews = {"project": PROJECT, "after": after_item} | users
    insert_select(REVIEW, REVIEW_VALUES, REVIEW_SOURCE.format(items=items), reviews)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def rollups_mark_dirty(first_day: int, last_day: int) -> None:
    """Mark the project's days `first_day`..`last_day` back from today for recount."""
    today = timezone.localdate()
    insert_select(
        ROLLUP_DIRTY,
        {"project": "%(project)s", "day": "%(today)s::date - d"},
        "FROM generate_series(%(first)s, %(last)s) AS d",
        {"project": PROJECT, "today": today, "first": first_day, "last": last_day},
        suffix="ON CONFLICT DO NOTHING",
    )


def rollups_refresh() -> None:
    """What beat does each minute: recount the (project, day) pairs marked dirty."""
    celery_app.tasks[ROLLUPS_REFRESH_TASK]()


def rollups_rebuild() -> None:
    """Recount every day the data touches (outputs go back DAYS days; labels an hour later)."""
    rollups_mark_dirty(0, DAYS + 1)
    rollups_refresh()


def timings_ms(fn: Callable[[], None], runs: int) -> tuple[float, float]:
    """(median, best) of `runs` calls: the best is the least disturbed by other load."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), min(timings)


def measure(pm: Client, claimers: list[Client], runs: int) -> dict[str, float]:
    url = DASHBOARD_URL.format(project=PROJECT)

    def dashboard() -> None:
        response = pm.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code

    for _ in range(3):  # warm caches, imports and the connection
        dashboard()
    clients = iter(claimers)

    def claim() -> None:
        client = next(clients)
        response = client.post(CLAIM_URL, HTTP_HOST="localhost")
        assert response.status_code == 200, (response.status_code, "nothing left to claim")
        skipped = client.post(SKIP_URL.format(item=response.json()["id"]), HTTP_HOST="localhost")
        assert skipped.status_code == 200, skipped.status_code

    rollups_mark_dirty(0, 0)
    started = time.perf_counter()
    rollups_refresh()
    refresh_ms = (time.perf_counter() - started) * 1000
    dashboard_ms, dashboard_best = timings_ms(dashboard, runs)
    claim_ms, claim_best = timings_ms(claim, runs)
    return {
        "dashboard_ms": dashboard_ms,
        "dashboard_best": dashboard_best,
        "claim_ms": claim_ms,
        "claim_best": claim_best,
        "refresh_day_ms": refresh_ms,
    }


def user_add(name: str, role: str) -> User:
    """A user with exactly one role, through `manage.py add_user`."""
    call_command("add_user", name, role=role, password=f"pw-{name}", stdout=io.StringIO())
    return User.objects.get(username=name)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refuse_test_database() -> None:
    name = str(settings.DATABASES["default"]["NAME"])
    if name.startswith("test_"):
        raise SystemExit(
            f"{Path(__file__).name}: refusing to empty {name!r}, which looks like pytest's test "
            "database; give the bench a scratch database in DATABASE_URL."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=25, help="timed dashboards and claims")
    parser.add_argument("--smoke", action="store_true", help="a tiny size that runs in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.small, args.large, args.runs = SMOKE["small"], SMOKE["large"], SMOKE["runs"]
    refuse_test_database()
    # Throwaway bench users: the production password hasher would cost ~0.4 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    celery_app.loader.import_default_modules()  # registers the apps' tasks by name

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        tables = ", ".join(table(label) for label in EMPTIED)
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    annotators = [
        user_add(f"bench-annotator-{n}", ANNOTATOR_ROLE) for n in range(2 + 2 * args.runs)
    ]
    reviewers = annotators[:2]
    # Every timed claim is by a different annotator: a user is never offered an item twice.
    claimers = [logged_in(user) for user in annotators[2:]]
    pm = logged_in(user_add("bench-pm", PM_ROLE))

    results = {}
    filled = 0
    for label, size, clients in (
        ("small", args.small, claimers[: args.runs]),
        ("large", args.large, claimers[args.runs :]),
    ):
        fill_s = fill(filled + 1, size, reviewers)
        filled = size
        started = time.perf_counter()
        rollups_rebuild()
        rebuild_s = time.perf_counter() - started
        timed = measure(pm, clients, args.runs)
        results[label] = timed | {"fill_s": fill_s, "rebuild_s": rebuild_s}
        print(
            f"{label:>5} {size:>9,} outputs: fill {fill_s:6.1f} s, full rollup rebuild "
            f"{rebuild_s:6.1f} s, dashboard {results[label]['dashboard_ms']:6.1f} ms "
            f"(best {results[label]['dashboard_best']:5.1f}), "
            f"claim {results[label]['claim_ms']:5.1f} ms "
            f"(best {results[label]['claim_best']:5.1f}), "
            f"refresh one dirty day {results[label]['refresh_day_ms']:7.1f} ms",
            flush=True,
        )
    small, large = results["small"], results["large"]
    print(
        "ratio large/small (median, best): "
        f"dashboard {large['dashboard_ms'] / small['dashboard_ms']:.2f}x, "
        f"{large['dashboard_best'] / small['dashboard_best']:.2f}x; "
        f"claim {large['claim_ms'] / small['claim_ms']:.2f}x, "
        f"{large['claim_best'] / small['claim_best']:.2f}x (target: within 1.5x)"
    )


if __name__ == "__main__":
    main()
