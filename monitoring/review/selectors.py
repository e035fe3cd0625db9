"""Reads for the review queue and its dashboards (dashboards read daily rollups only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils import timezone

from governance.policies.public import GuardCategory, policy_version_categories
from monitoring.public import ReviewState, ScanRecord, output_latest_scan
from monitoring.review import metrics
from monitoring.review.blind import ReviewerView, reviewer_view
from monitoring.review.models import (
    Alert,
    AlertRule,
    DailyAgreement,
    DailyAnnotatorRollup,
    DailyGuardQuality,
    DailyRollup,
    Review,
    ReviewItem,
    ReviewLease,
    SamplingRule,
)

_Rollup = TypeVar("_Rollup", bound=Model)


def sampling_rule_for(*, project: str, model: str = "") -> SamplingRule | None:
    """The enabled rule for this model in this project, else the project-wide one."""
    rules = {
        rule.model: rule
        for rule in SamplingRule.objects.filter(
            project=project, model__in=[model, ""], enabled=True
        )
    }
    return rules.get(model) or rules.get("")


def lease_current(*, user: User, now: datetime | None = None) -> ReviewLease | None:
    """The caller's live lease on an open item, if any."""
    now = now or timezone.now()
    return (
        ReviewLease.objects.select_related("item__output")
        .filter(
            user=user,
            state=ReviewLease.State.ACTIVE,
            expires_at__gt=now,
            item__status=ReviewItem.Status.OPEN,
        )
        .order_by("claimed_at")
        .first()
    )


def item_latest_scan(*, item: ReviewItem) -> ScanRecord | None:
    return output_latest_scan(item.output_id)


def item_categories(*, item: ReviewItem, scan: ScanRecord | None = None) -> list[GuardCategory]:
    """The categories an annotator may pick: those of the latest scan's policy version."""
    scan = scan or item_latest_scan(item=item)
    if scan is None or scan.policy_version_id is None:
        return []
    return policy_version_categories(scan.policy_version_id)


def item_category_codes(*, item: ReviewItem) -> list[str] | None:
    """Allowed category codes, or None when the item has no policy version to check against."""
    scan = item_latest_scan(item=item)
    if scan is None or scan.policy_version_id is None:
        return None
    return [c.code for c in item_categories(item=item, scan=scan)]


def item_shows_guard(*, item: ReviewItem) -> bool:
    rule = sampling_rule_for(project=item.project, model=item.output.model)
    return bool(rule and rule.show_guard_verdict)


def item_reviewer_view(*, item: ReviewItem, scan: ScanRecord | None = None) -> ReviewerView:
    """What a reviewer may see of why the item is queued and what the guard said (see
    `monitoring.review.blind`): the queue page and the claim API both show this."""
    shows_guard = item_shows_guard(item=item)
    if shows_guard and scan is None:
        scan = item_latest_scan(item=item)
    return reviewer_view(
        reasons=item.reasons,
        shows_guard=shows_guard,
        guard_verdict=scan.verdict if scan is not None else None,
    )


def review_states(output_ids: Sequence[int]) -> dict[int, ReviewState]:
    """Where these outputs stand in review (monitoring's pages and API ask through a hook)."""
    items = ReviewItem.objects.filter(output_id__in=list(output_ids)).only(
        "output_id", "status", "reasons"
    )
    return {
        item.output_id: ReviewState(status=item.get_status_display(), reasons=tuple(item.reasons))
        for item in items
    }


def annotator_progress(*, user: User) -> dict[str, int]:
    """Reviews the user submitted today and items still waiting for anyone."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    done_today = Review.objects.filter(user=user, created_at__gte=start).count()
    waiting = ReviewItem.objects.filter(status=ReviewItem.Status.OPEN).count()
    return {"done_today": done_today, "waiting": waiting}


def adjudication_list(*, filters: Any = None) -> QuerySet[ReviewItem]:
    """Items waiting for adjudication, most urgent first; `filters` as in ReviewItemFilterSet."""
    from monitoring.review.filtersets import ReviewItemFilterSet

    items = (
        ReviewItem.objects.filter(status=ReviewItem.Status.ADJUDICATION)
        .annotate(review_count=Count("reviews"))
        .order_by("-priority", "created_at", "id")
    )
    return ReviewItemFilterSet(filters or {}, queryset=items).qs


def adjudication_count() -> int:
    return ReviewItem.objects.filter(status=ReviewItem.Status.ADJUDICATION).count()


def item_reviews(*, item: ReviewItem) -> QuerySet[Review]:
    return item.reviews.select_related("user").order_by("created_at")


# --- dashboards ----------------------------------------------------------------------------


@dataclass
class Period:
    start: date
    end: date  # inclusive
    project: str = ""

    @classmethod
    def last_days(cls, days: int = 30, project: str = "") -> Period:
        today = timezone.localdate()
        return cls(today - timedelta(days=days - 1), today, project)

    def filter(self, qs: QuerySet[_Rollup]) -> QuerySet[_Rollup]:
        qs = qs.filter(day__gte=self.start, day__lte=self.end)
        return qs.filter(project=self.project) if self.project else qs


def rollup_projects() -> list[str]:
    return list(
        DailyRollup.objects.values_list("project", flat=True).distinct().order_by("project")
    )


def unsafe_rate_series(*, period: Period) -> list[dict]:
    """Per day and model version: guard unsafe rate (all traffic) and human-labelled unsafe
    rate on the random sample, each with a Wilson 95% interval."""
    rows = (
        period.filter(DailyRollup.objects.all())
        .values("day", "model_version")
        .annotate(
            scans=Sum("scans"),
            unsafe=Sum("scans_unsafe"),
            labeled=Sum("sample_labeled"),
            human_unsafe=Sum("sample_unsafe"),
        )
        .order_by("day", "model_version")
    )
    series = []
    for row in rows:
        guard = metrics.rate_estimate(row["unsafe"], row["scans"])
        human = metrics.rate_estimate(row["human_unsafe"], row["labeled"])
        series.append(
            {
                "day": row["day"],
                "model_version": row["model_version"] or "(none)",
                "scans": row["scans"],
                "guard_unsafe": row["unsafe"],
                "guard_rate": guard.value,
                "guard_low": guard.low,
                "guard_high": guard.high,
                "labeled": row["labeled"],
                "human_unsafe": row["human_unsafe"],
                "human_rate": human.value,
                "human_low": human.low,
                "human_high": human.high,
            }
        )
    return series


def guard_quality(*, period: Period) -> list[dict]:
    """Guard against final human labels: confusion counts, precision and recall per category
    ("overall" is the safe/unsafe decision)."""
    rows = (
        period.filter(DailyGuardQuality.objects.all())
        .values("category")
        .annotate(tp=Sum("tp"), fp=Sum("fp"), fn=Sum("fn"), tn=Sum("tn"))
        .order_by("category")
    )
    table = []
    for row in rows:
        matrix = metrics.Confusion(row["tp"], row["fp"], row["fn"], row["tn"])
        table.append(
            {
                "category": row["category"] or "overall",
                "tp": matrix.tp,
                "fp": matrix.fp,
                "fn": matrix.fn,
                "tn": matrix.tn,
                "precision": matrix.precision,
                "recall": matrix.recall,
            }
        )
    return table


@dataclass
class QueueFlow:
    backlog: int = 0
    queued: int = 0
    done: int = 0
    reviews: int = 0
    seconds_per_review: float | None = None
    daily: list[dict] = field(default_factory=list)


def queue_flow(*, period: Period) -> QueueFlow:
    """Backlog (all time, from rollups), throughput and time per review in the period."""
    everything = DailyRollup.objects.all()
    if period.project:
        everything = everything.filter(project=period.project)
    totals = everything.aggregate(queued=Sum("items_queued"), done=Sum("items_done"))
    rows = list(
        period.filter(DailyRollup.objects.all())
        .values("day")
        .annotate(
            queued=Sum("items_queued"),
            done=Sum("items_done"),
            reviews=Sum("reviews"),
            seconds=Sum("review_seconds"),
        )
        .order_by("day")
    )
    reviews = sum(r["reviews"] for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    return QueueFlow(
        backlog=(totals["queued"] or 0) - (totals["done"] or 0),
        queued=sum(r["queued"] for r in rows),
        done=sum(r["done"] for r in rows),
        reviews=reviews,
        seconds_per_review=seconds / reviews if reviews else None,
        daily=rows,
    )


def annotator_table(*, period: Period) -> list[dict]:
    rows = (
        period.filter(DailyAnnotatorRollup.objects.all())
        .values("user__username")
        .annotate(reviews=Sum("reviews"), seconds=Sum("review_seconds"))
        .order_by("-reviews")
    )
    return [
        {
            "annotator": r["user__username"],
            "reviews": r["reviews"],
            "seconds_per_review": r["seconds"] / r["reviews"] if r["reviews"] else None,
        }
        for r in rows
    ]


def agreement(*, period: Period, resamples: int = 1000) -> dict:
    """Cohen's kappa (first two reviewers) and Krippendorff's alpha (all reviewers) on the
    verdicts of items whose independent reviews were completed in the period (from rollups)."""
    pairs: dict[tuple, int] = defaultdict(int)
    units: dict[tuple, int] = defaultdict(int)
    rows = (
        period.filter(DailyAgreement.objects.all())
        .values("measure", "pattern")
        .annotate(total=Sum("count"))
    )
    for row in rows:
        target = pairs if row["measure"] == "kappa" else units
        target[tuple(row["pattern"].split("|"))] += row["total"]
    kappa = metrics.kappa_estimate_counts(pairs, resamples=resamples)
    return {
        "kappa": kappa,
        "alpha": metrics.alpha_estimate_counts(units, resamples=resamples),
        "items": kappa.n,
    }


def dashboard(*, period: Period) -> dict:
    return {
        "period": period,
        "series": unsafe_rate_series(period=period),
        "quality": guard_quality(period=period),
        "flow": queue_flow(period=period),
        "annotators": annotator_table(period=period),
        "agreement": agreement(period=period),
        "projects": rollup_projects(),
    }


# --- alerts --------------------------------------------------------------------------------


def alert_list(*, filters: Any = None) -> QuerySet[Alert]:
    """Alerts, newest first; `filters` as in AlertFilterSet."""
    from monitoring.review.filtersets import AlertFilterSet

    alerts = Alert.objects.select_related("rule", "acknowledged_by", "resolved_by")
    return AlertFilterSet(filters or {}, queryset=alerts).qs


def alert_rule_list() -> QuerySet[AlertRule]:
    return AlertRule.objects.annotate(
        open_alerts=Count("alerts", filter=~Q(alerts__status=Alert.Status.RESOLVED))
    ).order_by("name", "id")


def sampling_rule_list() -> QuerySet[SamplingRule]:
    return SamplingRule.objects.order_by("project", "model", "id")


def open_alert_count() -> int:
    return Alert.objects.exclude(status=Alert.Status.RESOLVED).count()
