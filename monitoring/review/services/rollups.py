"""Daily rollups of the review queue and the guard: mark a (project, day) dirty, recount it."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone

from monitoring.public import guard_day_counts, output_days, output_latest_scans
from monitoring.review.metrics import confusion, unit_pattern
from monitoring.review.models import (
    DailyAgreement,
    DailyAnnotatorRollup,
    DailyGuardQuality,
    DailyRollup,
    Review,
    ReviewItem,
    ReviewReason,
    RollupDirty,
)


def local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def rollup_mark_dirty(*, project: str, day: date) -> None:
    """Ask the next rollup refresh to recompute `project` on `day` (cheap, idempotent)."""
    RollupDirty.objects.get_or_create(project=project, day=day)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


@transaction.atomic
def rollups_refresh_day(*, project: str, day: date) -> None:
    """Recompute every rollup of `project` on `day` from the raw rows of that day only."""
    start, end = _day_bounds(day)
    rows: dict[str, dict[str, Any]] = {}

    def row(version: str) -> dict[str, Any]:
        return rows.setdefault(version or "", {})

    for version, (scans, unsafe, errors) in guard_day_counts(
        project=project, start=start, end=end
    ).items():
        row(version).update(scans=scans, scans_unsafe=unsafe, scans_error=errors)
    items = ReviewItem.objects.filter(project=project)
    sample = (
        items.filter(
            output__received_at__gte=start,
            output__received_at__lt=end,
            reasons__contains=[ReviewReason.RANDOM_SAMPLE],
        )
        .exclude(final_verdict="")
        .values_list("output__model_version", "final_verdict")
    )
    for version, verdict in sample:
        r = row(version)
        r["sample_labeled"] = r.get("sample_labeled", 0) + 1
        r["sample_unsafe"] = r.get("sample_unsafe", 0) + (verdict == "unsafe")
    for version in items.filter(created_at__gte=start, created_at__lt=end).values_list(
        "output__model_version", flat=True
    ):
        r = row(version)
        r["items_queued"] = r.get("items_queued", 0) + 1
    finalized = list(
        items.filter(finalized_at__gte=start, finalized_at__lt=end).values_list(
            "output_id", "output__model_version", "final_verdict", "final_categories"
        )
    )
    for _output_id, version, _verdict, _categories in finalized:
        r = row(version)
        r["items_done"] = r.get("items_done", 0) + 1
    reviews = Review.objects.filter(
        item__project=project, created_at__gte=start, created_at__lt=end, is_adjudication=False
    ).values_list("item__output__model_version", "user_id", "seconds_spent")
    per_user: dict[int, list[float]] = {}
    for version, user_id, seconds in reviews:
        r = row(version)
        r["reviews"] = r.get("reviews", 0) + 1
        r["review_seconds"] = r.get("review_seconds", 0) + seconds
        per_user.setdefault(user_id, []).append(seconds)

    DailyRollup.objects.filter(project=project, day=day).delete()
    DailyRollup.objects.bulk_create(
        [DailyRollup(project=project, day=day, model_version=v, **r) for v, r in rows.items()]
    )
    DailyAnnotatorRollup.objects.filter(project=project, day=day).delete()
    DailyAnnotatorRollup.objects.bulk_create(
        [
            DailyAnnotatorRollup(
                project=project, day=day, user_id=user_id, reviews=len(s), review_seconds=sum(s)
            )
            for user_id, s in per_user.items()
        ]
    )
    _agreement_refresh_day(project=project, day=day, start=start, end=end)
    # Guard quality: the latest scan of each item settled that day against its final label.
    latest = output_latest_scans({output_id for output_id, *_ in finalized})
    totals: dict[str, list[int]] = {}
    for output_id, _version, final_verdict, final_categories in finalized:
        scan = latest.get(output_id)
        if scan is None or scan.verdict == "error":
            continue
        cells = {"": confusion(scan.verdict == "unsafe", final_verdict == "unsafe")}
        for code in set(scan.categories) | set(final_categories):
            cells[code] = confusion(code in scan.categories, code in final_categories)
        for code, cell in cells.items():
            acc = totals.setdefault(code, [0, 0, 0, 0])
            for i, value in enumerate((cell.tp, cell.fp, cell.fn, cell.tn)):
                acc[i] += value
    DailyGuardQuality.objects.filter(project=project, day=day).delete()
    DailyGuardQuality.objects.bulk_create(
        [
            DailyGuardQuality(project=project, day=day, category=code, tp=tp, fp=fp, fn=fn, tn=tn)
            for code, (tp, fp, fn, tn) in totals.items()
        ]
    )


def _agreement_refresh_day(*, project: str, day: date, start: datetime, end: datetime) -> None:
    labels: dict[int, list[str]] = {}
    for item_id, verdict in (
        Review.objects.filter(
            item__project=project,
            item__required_reviews__gte=2,
            item__reviewed_at__gte=start,
            item__reviewed_at__lt=end,
            is_adjudication=False,
        )
        .order_by("item_id", "created_at", "id")
        .values_list("item_id", "verdict")
    ):
        labels.setdefault(item_id, []).append(verdict)
    pairs = Counter("|".join(v[:2]) for v in labels.values() if len(v) >= 2)
    units = Counter("|".join(map(str, unit_pattern(v))) for v in labels.values() if len(v) >= 2)
    DailyAgreement.objects.filter(project=project, day=day).delete()
    DailyAgreement.objects.bulk_create(
        [
            DailyAgreement(project=project, day=day, measure=measure, pattern=p, count=c)
            for measure, counter in (("kappa", pairs), ("alpha", units))
            for p, c in counter.items()
        ]
    )


def rollups_refresh() -> int:
    """Recompute the (project, day) pairs marked dirty since the last refresh; returns how many.

    A mark is removed before its day is recomputed, so a write that lands during the recount
    marks the day again and the next refresh picks it up; nothing is lost.
    """
    done = 0
    while True:
        with transaction.atomic():
            mark = RollupDirty.objects.select_for_update(skip_locked=True).order_by("id").first()
            if mark is None:
                return done
            project, day = mark.project, mark.day
            mark.delete()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # One recount per (project, day) at a time across workers.
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"rollup:{project}:{day}"]
                    )
                rollups_refresh_day(project=project, day=day)
        except Exception:
            rollup_mark_dirty(project=project, day=day)
            raise
        done += 1


def rollups_rebuild() -> int:
    """Mark every (project, day) that has raw data dirty and refresh them (full recount)."""
    pairs = output_days()
    for model_field in ("created_at", "finalized_at", "reviewed_at"):
        pairs |= set(
            ReviewItem.objects.exclude(**{f"{model_field}__isnull": True})
            .annotate(d=TruncDate(model_field))
            .values_list("project", "d")
            .distinct()
        )
    pairs |= set(
        Review.objects.annotate(d=TruncDate("created_at"))
        .values_list("item__project", "d")
        .distinct()
    )
    RollupDirty.objects.bulk_create(
        [RollupDirty(project=p, day=d) for p, d in pairs], ignore_conflicts=True
    )
    return rollups_refresh()
