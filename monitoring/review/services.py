"""Writes for the review queue: routing and sampling, leased claims, labels, adjudication."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.errors import ApplicationError, ConflictError, NotFoundError
from core.services import audit_record
from monitoring.models import GuardScan, ModelOutput
from monitoring.review import selectors
from monitoring.review.metrics import sample_fraction
from monitoring.review.models import (
    REASON_PRIORITY,
    Alert,
    AlertRule,
    OutputFeedback,
    Review,
    ReviewItem,
    ReviewLease,
    ReviewReason,
    RollupDirty,
    SamplingRule,
)

LEASE_MINUTES = getattr(settings, "REVIEW_LEASE_MINUTES", 10)
VERDICTS = ("safe", "unsafe")


def local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def rollup_mark_dirty(*, project: str, day: date) -> None:
    """Ask the next rollup refresh to recompute `project` on `day` (cheap, idempotent)."""
    RollupDirty.objects.get_or_create(project=project, day=day)


def _needs_two_reviews(output: ModelOutput, rule: SamplingRule | None) -> bool:
    rate = rule.double_review_rate if rule is not None else 0.10
    return sample_fraction(f"double:{output.pk}") < rate


@transaction.atomic
def review_item_route(
    *, output: ModelOutput, reasons: Iterable[str], priority: int | None = None
) -> ReviewItem:
    """Queue `output` for human review for `reasons`; idempotent.

    An output has at most one item; routing it again adds only reasons it lacks (so it is never
    queued twice for the same reason), and its priority only ever rises. A new item needs two
    independent reviews for a reproducible share of outputs (the sampling rule's
    `double_review_rate`, 10% by default), decided from the output id.
    """
    wanted = [ReviewReason(reason) for reason in reasons]
    if not wanted:
        raise ValueError("At least one reason is needed to queue an output for review")
    floor = max(REASON_PRIORITY[reason] for reason in wanted)
    if priority is not None:
        floor = max(floor, priority)
    rule = selectors.sampling_rule_for(project=output.project, model=output.model)
    item, created = ReviewItem.objects.select_for_update().get_or_create(
        output=output,
        defaults={
            "reasons": [str(r) for r in wanted],
            "priority": floor,
            "project": output.project,
            "required_reviews": 2 if _needs_two_reviews(output, rule) else 1,
        },
    )
    if created:
        rollup_mark_dirty(project=output.project, day=local_day(item.created_at))
    else:
        missing = [str(r) for r in wanted if str(r) not in item.reasons]
        if missing or floor > item.priority:
            item.reasons = item.reasons + missing
            item.priority = max(item.priority, floor)
            item.save(update_fields=["reasons", "priority", "updated_at"])
    return item


def _take_sample_slot(*, rule: SamplingRule, model_version: str, day: date) -> bool:
    """Atomically count one more random sample for the stratum unless the cap is reached."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO review_samplingcount (rule_id, model_version, day, taken)
            VALUES (%s, %s, %s, 1)
            ON CONFLICT (rule_id, model_version, day)
            DO UPDATE SET taken = review_samplingcount.taken + 1
            WHERE review_samplingcount.taken < %s
            RETURNING taken
            """,
            [rule.pk, model_version, day, rule.daily_cap],
        )
        return cursor.fetchone() is not None if rule.daily_cap > 0 else False


@transaction.atomic
def output_sample(*, output: ModelOutput) -> ReviewItem | None:
    """Decide at ingest whether `output` joins the uniform random sample; call once per output.

    The ingestion pipeline calls this right after an output is stored. The output's project
    (and model, if a rule names it) picks the `SamplingRule`; without an enabled rule nothing is
    sampled. The draw is deterministic: `sample_fraction("sample:<output id>") < random_rate`,
    so rerunning ingest reproduces the same sample. Sampling is stratified by model version:
    each (rule, model version, day of `received_at`) has its own `daily_cap`; once it is
    reached the rest of that day's draws are dropped. Calling it again for an output already
    sampled changes nothing and takes no extra slot. Returns the review item, or None.
    """
    rule = selectors.sampling_rule_for(project=output.project, model=output.model)
    if rule is None or rule.random_rate <= 0:
        return None
    existing = ReviewItem.objects.filter(output=output).first()
    if existing is not None and ReviewReason.RANDOM_SAMPLE in existing.reasons:
        return existing
    if sample_fraction(f"sample:{output.pk}") >= rule.random_rate:
        return None
    day = local_day(output.received_at)
    if not _take_sample_slot(rule=rule, model_version=output.model_version, day=day):
        return None
    return review_item_route(output=output, reasons=[ReviewReason.RANDOM_SAMPLE])


@transaction.atomic
def scan_recorded(*, scan: GuardScan) -> ReviewItem | None:
    """Tell the review queue that the guard scanned an output; call after every scan upsert.

    The scan pipeline calls this once a `GuardScan` row is saved (new or updated). It marks the
    output's project and day for the next dashboard rollup refresh, and routes the output to
    review as `low_confidence` when the scan's `p_unsafe` lies inside the sampling rule's band
    [`low_confidence_min`, `low_confidence_max`] around the decision threshold. Unsafe, error
    and truncated outputs are still routed by the pipeline itself with `review_item_route`.
    Idempotent. Returns the review item when it routed one, else None.
    """
    output = scan.output
    rollup_mark_dirty(project=output.project, day=local_day(output.received_at))
    if scan.verdict == GuardScan.Verdict.ERROR or scan.p_unsafe is None:
        return None
    rule = selectors.sampling_rule_for(project=output.project, model=output.model)
    low, high = (0.35, 0.65) if rule is None else (rule.low_confidence_min, rule.low_confidence_max)
    if low <= scan.p_unsafe <= high:
        return review_item_route(output=output, reasons=[ReviewReason.LOW_CONFIDENCE])
    return None


@transaction.atomic
def output_feedback(
    *, output: ModelOutput, user, report: bool = True, reason: str = "", text: str = ""
) -> tuple[OutputFeedback, ReviewItem | None]:
    """Store a user's feedback on an output; a report queues it for review at high priority."""
    feedback = OutputFeedback.objects.create(
        output=output, reporter=user, report=report, reason=reason[:100], text=text
    )
    item = None
    if report:
        item = review_item_route(output=output, reasons=[ReviewReason.USER_REPORT])
        if item.status == ReviewItem.Status.DONE:
            # A fresh report on a settled item reopens it for one more look.
            item.status = ReviewItem.Status.OPEN
            item.required_reviews = item.reviews.filter(is_adjudication=False).count() + 1
            item.save(update_fields=["status", "required_reviews", "updated_at"])
    return feedback, item


# --- claims and leases ---------------------------------------------------------------------

_CANDIDATE_SQL = """
    SELECT i.id FROM review_reviewitem i
    WHERE i.status = 'open'
      AND NOT (i.id = ANY(%(skip)s))
      AND NOT EXISTS (
        SELECT 1 FROM review_reviewlease l WHERE l.item_id = i.id AND l.user_id = %(user)s)
      AND NOT EXISTS (
        SELECT 1 FROM review_review r WHERE r.item_id = i.id AND r.user_id = %(user)s)
      AND (SELECT count(*) FROM review_reviewlease l
           WHERE l.item_id = i.id
             AND (l.state = 'submitted' OR (l.state = 'active' AND l.expires_at > %(now)s))
          ) < i.required_reviews
    ORDER BY i.priority DESC, i.created_at, i.id
    LIMIT 1
    FOR UPDATE OF i SKIP LOCKED
"""


def _live_or_done_leases(item_id: int, now: datetime) -> int:
    # A fresh statement: under READ COMMITTED it sees every lease committed before our lock.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM review_reviewlease
               WHERE item_id = %s
                 AND (state = 'submitted' OR (state = 'active' AND expires_at > %s))""",
            [item_id, now],
        )
        return cursor.fetchone()[0]


def review_claim(*, user, lease_minutes: int | None = None) -> ReviewLease | None:
    """Lease the next item for `user`: highest priority, then oldest; None when none is left.

    An item needing N reviews never has more than N live or submitted leases; a user never gets
    the same item twice. The caller's own live lease, if any, is handed back first.
    """
    now = timezone.now()
    current = selectors.lease_current(user=user, now=now)
    if current is not None:
        return current
    minutes = lease_minutes or LEASE_MINUTES
    skip: list[int] = []
    for _ in range(50):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_CANDIDATE_SQL, {"user": user.pk, "now": now, "skip": skip})
                row = cursor.fetchone()
            if row is None:
                return None
            item = ReviewItem.objects.get(pk=row[0])
            # The candidate query may have read an older snapshot than our lock: recheck.
            if _live_or_done_leases(item.pk, now) >= item.required_reviews:
                skip.append(item.pk)
                continue
            try:
                with transaction.atomic():
                    lease = ReviewLease.objects.create(
                        item=item,
                        user=user,
                        claimed_at=now,
                        expires_at=now + timedelta(minutes=minutes),
                    )
            except IntegrityError:
                skip.append(item.pk)
                continue
            return lease
    return None


def _lease_for_update(*, user, item_id: int) -> ReviewLease:
    if not ReviewItem.objects.filter(pk=item_id).exists():
        raise NotFoundError("No such review item.")
    lease = ReviewLease.objects.select_for_update().filter(item_id=item_id, user=user).first()
    if lease is None:
        raise ConflictError("This item is not leased to you.", code="not_leased")
    if lease.state != ReviewLease.State.ACTIVE or lease.expires_at <= timezone.now():
        raise ConflictError(
            "Your lease on this item has ended; claim the next item.", code="lease_expired"
        )
    return lease


@transaction.atomic
def review_lease_renew(*, user, item_id: int, lease_minutes: int | None = None) -> ReviewLease:
    """Extend the caller's live lease while they work; an ended lease cannot be renewed."""
    lease = _lease_for_update(user=user, item_id=item_id)
    lease.expires_at = timezone.now() + timedelta(minutes=lease_minutes or LEASE_MINUTES)
    lease.save(update_fields=["expires_at"])
    return lease


@transaction.atomic
def review_skip(*, user, item_id: int) -> ReviewLease:
    """Give the item back for others; the caller will not be offered it again."""
    lease = _lease_for_update(user=user, item_id=item_id)
    lease.state = ReviewLease.State.SKIPPED
    lease.released_at = timezone.now()
    lease.save(update_fields=["state", "released_at"])
    return lease


def _allowed_categories(item: ReviewItem) -> set[str] | None:
    codes = selectors.item_category_codes(item=item)
    return set(codes) if codes is not None else None


def _validate_label(item: ReviewItem, verdict: str, categories: list[str]) -> list[str]:
    if verdict not in VERDICTS:
        raise ApplicationError("The verdict must be safe or unsafe.", code="invalid_verdict")
    categories = list(dict.fromkeys(categories))
    allowed = _allowed_categories(item)
    unknown = [c for c in categories if allowed is not None and c not in allowed]
    if unknown:
        raise ApplicationError(
            f"Unknown categories for this policy version: {', '.join(unknown)}.",
            code="invalid_categories",
        )
    if verdict == "safe" and categories:
        raise ApplicationError("A safe verdict has no categories.", code="invalid_categories")
    return categories


def _finalize(item: ReviewItem, *, verdict: str, categories: list[str], source: str) -> None:
    now = timezone.now()
    item.status = ReviewItem.Status.DONE
    item.final_verdict = verdict
    item.final_categories = sorted(categories)
    item.final_source = source
    item.finalized_at = now
    item.save(
        update_fields=[
            "status",
            "final_verdict",
            "final_categories",
            "final_source",
            "finalized_at",
            "updated_at",
        ]
    )
    rollup_mark_dirty(project=item.project, day=local_day(now))
    rollup_mark_dirty(project=item.project, day=local_day(item.output.received_at))


@transaction.atomic
def review_submit(
    *,
    user,
    item_id: int,
    verdict: str,
    categories: Iterable[str] = (),
    helpful: int | None = None,
    faithful: str = "",
    notes: str = "",
) -> Review:
    """Record the caller's label under their live lease; 409 once the lease has ended.

    When the item has all the reviews it needs, it is settled: the shared label if the
    reviewers agree, otherwise it waits for adjudication.
    """
    lease = _lease_for_update(user=user, item_id=item_id)
    item = ReviewItem.objects.select_for_update().select_related("output").get(pk=item_id)
    categories = _validate_label(item, verdict, list(categories))
    if helpful is not None and not 1 <= helpful <= 5:
        raise ApplicationError("helpful must be between 1 and 5.", code="invalid_helpful")
    if faithful and faithful not in Review.Faithful.values:
        raise ApplicationError("faithful must be yes, no or unsure.", code="invalid_faithful")
    now = timezone.now()
    review = Review.objects.create(
        item=item,
        user=user,
        verdict=verdict,
        categories=sorted(categories),
        helpful=helpful,
        faithful=faithful,
        notes=notes,
        seconds_spent=(now - lease.claimed_at).total_seconds(),
        created_at=now,
    )
    lease.state = ReviewLease.State.SUBMITTED
    lease.released_at = now
    lease.save(update_fields=["state", "released_at"])
    rollup_mark_dirty(project=item.project, day=local_day(now))
    labels = list(item.reviews.filter(is_adjudication=False).values_list("verdict", "categories"))
    if item.status == ReviewItem.Status.OPEN and len(labels) >= item.required_reviews:
        item.reviewed_at = now
        item.save(update_fields=["reviewed_at", "updated_at"])
        distinct = {(v, tuple(sorted(c))) for v, c in labels}
        if len(distinct) == 1:
            _finalize(item, verdict=verdict, categories=categories, source="consensus")
        else:
            item.status = ReviewItem.Status.ADJUDICATION
            item.save(update_fields=["status", "updated_at"])
    return review


@transaction.atomic
def review_adjudicate(
    *, user, item_id: int, verdict: str, categories: Iterable[str] = (), notes: str = ""
) -> ReviewItem:
    """Settle a disagreement: the adjudicator's label is final."""
    item = (
        ReviewItem.objects.select_for_update().select_related("output").filter(pk=item_id).first()
    )
    if item is None:
        raise NotFoundError("No such review item.")
    if item.status != ReviewItem.Status.ADJUDICATION:
        raise ConflictError("This item is not waiting for adjudication.", code="not_disputed")
    if item.reviews.filter(user=user, is_adjudication=False).exists():
        # Their label is one side of the disagreement; settling it would also overwrite it.
        raise ConflictError(
            "You reviewed this item; someone else must adjudicate it.", code="own_review"
        )
    categories = _validate_label(item, verdict, list(categories))
    Review.objects.update_or_create(
        item=item,
        user=user,
        defaults={
            "verdict": verdict,
            "categories": sorted(categories),
            "notes": notes,
            "is_adjudication": True,
        },
    )
    _finalize(item, verdict=verdict, categories=categories, source="adjudication")
    audit_record(
        actor=user,
        target=item,
        action="adjudicated",
        changes={"verdict": [None, verdict], "categories": [None, sorted(categories)]},
        note=notes,
    )
    return item


def leases_expire() -> int:
    """Mark leases past their expiry as expired (their items are already claimable again)."""
    return ReviewLease.objects.filter(
        state=ReviewLease.State.ACTIVE, expires_at__lte=timezone.now()
    ).update(state=ReviewLease.State.EXPIRED, released_at=timezone.now())


# --- daily rollups -------------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


_GUARD_DAY_SQL = """
    SELECT o.model_version,
           count(*) AS scans,
           count(*) FILTER (WHERE s.verdict = 'unsafe') AS unsafe,
           count(*) FILTER (WHERE s.verdict = 'error') AS errors
    FROM monitoring_modeloutput o
    JOIN LATERAL (
        SELECT verdict FROM monitoring_guardscan g
        WHERE g.output_id = o.id ORDER BY g.created_at DESC, g.id DESC LIMIT 1
    ) s ON true
    WHERE o.project = %s AND o.received_at >= %s AND o.received_at < %s
    GROUP BY o.model_version
"""


@transaction.atomic
def rollups_refresh_day(*, project: str, day: date) -> None:
    """Recompute every rollup of `project` on `day` from the raw rows of that day only."""
    from monitoring.review.metrics import confusion
    from monitoring.review.models import DailyAnnotatorRollup, DailyGuardQuality, DailyRollup

    start, end = _day_bounds(day)
    rows: dict[str, dict] = {}

    def row(version: str) -> dict:
        return rows.setdefault(version or "", {})

    with connection.cursor() as cursor:
        cursor.execute(_GUARD_DAY_SQL, [project, start, end])
        for version, scans, unsafe, errors in cursor.fetchall():
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
        items.filter(finalized_at__gte=start, finalized_at__lt=end).select_related("output")
    )
    for item in finalized:
        r = row(item.output.model_version)
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
    scans = {}
    for scan in GuardScan.objects.filter(output_id__in=[i.output_id for i in finalized]).order_by(
        "output_id", "created_at", "id"
    ):
        scans[scan.output_id] = scan  # the last one per output wins
    totals: dict[str, list[int]] = {}
    for item in finalized:
        scan = scans.get(item.output_id)
        if scan is None or scan.verdict == GuardScan.Verdict.ERROR:
            continue
        guard_unsafe = scan.verdict == GuardScan.Verdict.UNSAFE
        cells = {"": confusion(guard_unsafe, item.final_verdict == "unsafe")}
        for code in set(scan.categories) | set(item.final_categories):
            cells[code] = confusion(code in scan.categories, code in item.final_categories)
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
    from collections import Counter

    from monitoring.review.metrics import unit_pattern
    from monitoring.review.models import DailyAgreement

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
    units = Counter("|".join(unit_pattern(v)) for v in labels.values() if len(v) >= 2)
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
    from django.db.models.functions import TruncDate

    pairs = set(
        ModelOutput.objects.annotate(d=TruncDate("received_at"))
        .values_list("project", "d")
        .distinct()
    )
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


# --- alerts --------------------------------------------------------------------------------


def alert_rule_measure(*, rule: AlertRule, now: datetime | None = None) -> float:
    """The rule's current value: a rate (0-1), a count, or 1/0 for the circuit breaker."""

    now = now or timezone.now()
    since = now - timedelta(minutes=rule.window_minutes)
    kind = AlertRule.Kind
    if rule.kind in (kind.UNSAFE_RATE, kind.GUARD_ERROR_RATE):
        scans = GuardScan.objects.filter(created_at__gte=since, created_at__lte=now)
        if rule.project:
            scans = scans.filter(output__project=rule.project)
        verdict = "unsafe" if rule.kind == kind.UNSAFE_RATE else "error"
        counts = scans.aggregate(total=Count("id"), hits=Count("id", filter=Q(verdict=verdict)))
        return counts["hits"] / counts["total"] if counts["total"] else 0.0
    if rule.kind == kind.BACKLOG:
        items = ReviewItem.objects.filter(status=ReviewItem.Status.OPEN)
        if rule.project:
            items = items.filter(project=rule.project)
        return float(items.count())
    if rule.kind == kind.CIRCUIT_OPEN:
        from monitoring.breaker import OPEN, guard_breaker_status

        return 1.0 if guard_breaker_status().phase == OPEN else 0.0
    if rule.kind == kind.LEASE_EXPIRIES:
        leases = ReviewLease.objects.filter(
            state__in=[ReviewLease.State.ACTIVE, ReviewLease.State.EXPIRED],
            expires_at__gte=since,
            expires_at__lte=now,
        )
        if rule.project:
            leases = leases.filter(item__project=rule.project)
        return float(leases.count())
    raise ValueError(f"Unknown alert kind {rule.kind!r}")


def _alert_recipients():
    from django.contrib.auth.models import User

    from core.roles import Role

    return User.objects.filter(
        is_active=True, groups__name__in=[Role.PM.value, Role.LEGAL.value]
    ).distinct()


def _alert_notify(alert: Alert, title: str) -> None:
    from django.urls import reverse

    from core.services import notify

    rule = alert.rule
    if rule.notify_in_app or rule.notify_email:
        notify(
            users=_alert_recipients(),
            title=title,
            body=alert.message,
            url=reverse("review:alerts"),
            email=rule.notify_email,
        )
    if rule.webhook_url:
        from monitoring.review.tasks import alert_webhook

        transaction.on_commit(lambda: alert_webhook.delay(alert.pk, title))


def _describe(rule: AlertRule, value: float) -> str:
    shown = f"{value:.1%}" if rule.kind.endswith("_rate") else f"{value:g}"
    limit = f"{rule.threshold:.1%}" if rule.kind.endswith("_rate") else f"{rule.threshold:g}"
    scope = rule.project or "all projects"
    return f"{rule.get_kind_display()}: {shown} (threshold {limit}, {scope})"


@transaction.atomic
def alert_rule_evaluate(*, rule: AlertRule, now: datetime | None = None) -> Alert | None:
    """Fire an alert when the rule's value crosses its threshold, resolve it on recovery."""
    rule = AlertRule.objects.select_for_update().get(pk=rule.pk)
    value = alert_rule_measure(rule=rule, now=now)
    open_alert = rule.alerts.exclude(status=Alert.Status.RESOLVED).first()
    if value > rule.threshold:
        if open_alert is not None:
            return open_alert
        alert = Alert.objects.create(rule=rule, value=value, message=_describe(rule, value))
        _alert_notify(alert, f"Alert: {rule.name}")
        return alert
    if open_alert is not None:
        open_alert.status = Alert.Status.RESOLVED
        open_alert.resolved_at = timezone.now()
        open_alert.save(update_fields=["status", "resolved_at"])
        _alert_notify(open_alert, f"Recovered: {rule.name}")
        return open_alert
    return None


def alerts_evaluate() -> int:
    """Evaluate every enabled rule (run by beat); returns how many rules were evaluated."""
    rules = list(AlertRule.objects.filter(enabled=True))
    for rule in rules:
        alert_rule_evaluate(rule=rule)
    return len(rules)


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user) -> Alert:
    if alert.status != Alert.Status.FIRING:
        raise ConflictError("Only a firing alert can be acknowledged.")
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = user
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    audit_record(actor=user, target=alert, action="acknowledged")
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, user) -> Alert:
    if alert.status == Alert.Status.RESOLVED:
        raise ConflictError("This alert is already resolved.")
    alert.status = Alert.Status.RESOLVED
    alert.resolved_at = timezone.now()
    alert.resolved_by = user
    alert.save(update_fields=["status", "resolved_at", "resolved_by"])
    audit_record(actor=user, target=alert, action="resolved")
    return alert


def alert_webhook_send(*, alert_id: int, title: str) -> bool:
    """POST the alert as JSON to its rule's webhook; False when the alert or URL is gone."""
    import json
    import urllib.request

    alert = Alert.objects.select_related("rule").filter(pk=alert_id).first()
    if alert is None or not alert.rule.webhook_url:
        return False
    body = json.dumps(
        {
            "title": title,
            "rule": alert.rule.name,
            "kind": alert.rule.kind,
            "status": alert.status,
            "value": alert.value,
            "message": alert.message,
            "fired_at": alert.fired_at.isoformat(),
        }
    ).encode()
    request = urllib.request.Request(
        alert.rule.webhook_url,
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):
        return True


# --- rule configuration --------------------------------------------------------------------


@transaction.atomic
def rule_save(*, form, actor):
    """Save a sampling or alert rule from its validated form, with an audit event."""
    instance = form.instance
    # The form already copied the new values onto its instance: read the stored row instead.
    stored = type(instance).objects.filter(pk=instance.pk).first() if instance.pk else None
    before = {} if stored is None else {f: getattr(stored, f) for f in form.fields}
    action = "created" if stored is None else "updated"
    rule = form.save()
    after = {f: getattr(rule, f) for f in form.fields}
    from core.services import field_changes

    audit_record(actor=actor, target=rule, action=action, changes=field_changes(before, after))
    return rule
