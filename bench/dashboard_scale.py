"""Review dashboard and claim latency at 10k and at 1M model outputs (rollups keep them flat).

Usage (a scratch database; it is migrated and its review/monitoring tables are emptied):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/steward_review_bench HTTPS_ONLY=false \\
        .venv/bin/python bench/dashboard_scale.py [--large 1000000]

Outputs are spread over 90 days and 3 model versions; 1 in 10 is unsafe, 1 in 97 a guard
error; 1 in 20 is queued for review, 1 in 200 needs two reviews, 4 in 5 queued items are
settled. Rows are written with INSERT … SELECT generate_series (no ORM loop). Daily rollups are
then rebuilt once; the figures compare the dashboard page (rendered through Django, reading
rollups) and a claim (SKIP LOCKED, next by priority) at the large size against the small one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.roles import Role  # noqa: E402
from core.services import user_create_or_update  # noqa: E402
from monitoring.review.services import (  # noqa: E402
    review_claim,
    review_skip,
    rollup_mark_dirty,
    rollups_rebuild,
    rollups_refresh,
)

PROJECT = "bench"

OUTPUTS_SQL = """
INSERT INTO monitoring_modeloutput
    (project, external_id, model, model_version, conversation, metadata,
     conversation_sha256, received_at)
SELECT %(project)s, 'b-' || g, 'bench-model', 'v' || (g %% 3),
       jsonb_build_array(
           jsonb_build_object('role', 'user', 'content', 'question ' || g),
           jsonb_build_object('role', 'assistant', 'content', 'answer ' || g)),
       '{}'::jsonb, md5(g::text) || md5((g + 1)::text),
       now() - make_interval(days => g %% 90, secs => g %% 80000)
FROM generate_series(%(first)s, %(last)s) AS g
"""

SCANS_SQL = """
INSERT INTO monitoring_guardscan
    (output_id, verdict, categories, p_unsafe, guard_model, guard_revision, latency_ms,
     raw_output, error, truncated, created_at)
SELECT o.id,
       CASE WHEN o.id %% 10 = 0 THEN 'unsafe' WHEN o.id %% 97 = 0 THEN 'error' ELSE 'safe' END,
       CASE WHEN o.id %% 10 = 0 THEN ARRAY['S1']::varchar[] ELSE '{}'::varchar[] END,
       CASE WHEN o.id %% 10 = 0 THEN 0.9 ELSE 0.05 END,
       'bench-guard', 'r1', 20, '', '', false, o.received_at + interval '1 second'
FROM monitoring_modeloutput o WHERE o.project = %(project)s AND o.id > %(after)s
"""

ITEMS_SQL = """
INSERT INTO review_reviewitem
    (output_id, reasons, priority, status, required_reviews, project, final_verdict,
     final_categories, final_source, finalized_at, reviewed_at, created_at, updated_at)
SELECT o.id, ARRAY['random_sample']::varchar[], 10,
       CASE WHEN o.id %% 100 = 0 THEN 'open' ELSE 'done' END,
       CASE WHEN o.id %% 200 = 20 THEN 2 ELSE 1 END,
       o.project,
       CASE WHEN o.id %% 100 = 0 THEN '' WHEN o.id %% 40 = 0 THEN 'unsafe' ELSE 'safe' END,
       CASE WHEN o.id %% 100 <> 0 AND o.id %% 40 = 0
            THEN ARRAY['S1']::varchar[] ELSE '{}'::varchar[] END,
       CASE WHEN o.id %% 100 = 0 THEN '' ELSE 'consensus' END,
       CASE WHEN o.id %% 100 = 0 THEN NULL ELSE o.received_at + interval '1 hour' END,
       CASE WHEN o.id %% 100 = 0 THEN NULL ELSE o.received_at + interval '1 hour' END,
       o.received_at + interval '2 seconds', now()
FROM monitoring_modeloutput o
WHERE o.project = %(project)s AND o.id > %(after)s AND o.id %% 20 = 0
"""

REVIEWS_SQL = """
INSERT INTO review_review
    (item_id, user_id, verdict, categories, helpful, faithful, notes, is_adjudication,
     seconds_spent, created_at)
SELECT i.id, u.user_id,
       CASE WHEN u.n = 2 AND i.id %% 7 = 0
            THEN (CASE i.final_verdict WHEN 'safe' THEN 'unsafe' ELSE 'safe' END)
            ELSE i.final_verdict END,
       i.final_categories, 4, 'yes', '', false, 30, i.reviewed_at
FROM review_reviewitem i
JOIN (VALUES (1, %(first_user)s), (2, %(second_user)s)) AS u(n, user_id)
  ON u.n <= i.required_reviews
WHERE i.project = %(project)s AND i.id > %(after)s AND i.status = 'done'
"""


def execute(sql: str, params: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return cursor.fetchone()[0]


def fill(first: int, last: int, users) -> float:
    started = time.perf_counter()
    after_output, after_item = max_id("monitoring_modeloutput"), max_id("review_reviewitem")
    execute(OUTPUTS_SQL, {"project": PROJECT, "first": first, "last": last})
    execute(SCANS_SQL, {"project": PROJECT, "after": after_output})
    execute(ITEMS_SQL, {"project": PROJECT, "after": after_output})
    execute(
        REVIEWS_SQL,
        {
            "project": PROJECT,
            "after": after_item,
            "first_user": users[0].pk,
            "second_user": users[1].pk,
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def timings_ms(fn, runs: int) -> tuple[float, float]:
    """(median, best) of `runs` calls: the best is the least disturbed by other load."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), min(timings)


def measure(client: Client, claimers) -> dict:
    url = f"/monitoring/review/dashboard/?project={PROJECT}&days=30"

    def dashboard():
        response = client.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code

    for _ in range(3):  # warm caches, imports and the connection
        dashboard()
    claims = iter(claimers)

    def claim():
        user = next(claims)
        lease = review_claim(user=user)
        assert lease is not None
        review_skip(user=user, item_id=lease.item_id)

    rollup_mark_dirty(project=PROJECT, day=timezone.localdate())
    started = time.perf_counter()
    rollups_refresh()
    refresh_ms = (time.perf_counter() - started) * 1000
    dashboard_ms, dashboard_best = timings_ms(dashboard, 25)
    claim_ms, claim_best = timings_ms(claim, 25)
    return {
        "dashboard_ms": dashboard_ms,
        "dashboard_best": dashboard_best,
        "claim_ms": claim_ms,
        "claim_best": claim_best,
        "refresh_day_ms": refresh_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_modeloutput, monitoring_guardscan, review_reviewitem, "
            "review_review, review_reviewlease, review_dailyrollup, review_dailyguardquality, "
            "review_dailyannotatorrollup, review_dailyagreement, review_rollupdirty CASCADE"
        )
    users = [
        user_create_or_update(username=f"bench-annotator-{n}", role=Role.ANNOTATOR)[0]
        for n in range(60)
    ]
    pm, _ = user_create_or_update(username="bench-pm", role=Role.PM)
    client = Client()
    client.force_login(pm)

    results = {}
    filled = 0
    for label, size, claimers in (
        ("small", args.small, users[2:31]),
        ("large", args.large, users[31:60]),
    ):
        fill_s = fill(filled + 1, size, users)
        filled = size
        started = time.perf_counter()
        rollups_rebuild()
        rebuild_s = time.perf_counter() - started
        results[label] = measure(client, claimers) | {"fill_s": fill_s, "rebuild_s": rebuild_s}
        print(
            f"{label:>5} {size:>9,} outputs: fill {fill_s:6.1f} s, full rollup rebuild "
            f"{rebuild_s:6.1f} s, dashboard {results[label]['dashboard_ms']:6.1f} ms "
            f"(best {results[label]['dashboard_best']:5.1f}), "
            f"claim {results[label]['claim_ms']:5.1f} ms "
            f"(best {results[label]['claim_best']:5.1f}), "
            f"refresh one dirty day {results[label]['refresh_day_ms']:7.1f} ms"
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
