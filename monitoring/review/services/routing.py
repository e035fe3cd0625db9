"""Which outputs a person reviews: routing scans and reports, and the uniform random sample.

Monitoring calls `outputs_sample` and `scans_route` through the hooks registered in
`ReviewConfig.ready()`; the review-reason vocabulary and every routing rule live here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.public import Actor, NotFoundError, actor_user
from monitoring.public import OutputRecord, ScanFailure, ScanRecord, output_record
from monitoring.review.metrics import sample_fraction
from monitoring.review.models import (
    REASON_PRIORITY,
    OutputFeedback,
    ReviewItem,
    ReviewReason,
    SamplingRule,
)
from monitoring.review.permissions import ACCESS
from monitoring.review.selectors import sampling_rule_for
from monitoring.review.services.rollups import local_day, rollup_mark_dirty

# Without a sampling rule: the band around the guard's threshold, and the double-review share.
DEFAULT_LOW_CONFIDENCE = (0.35, 0.65)
DEFAULT_DOUBLE_REVIEW_RATE = 0.10


def _needs_two_reviews(output: OutputRecord, rule: SamplingRule | None) -> bool:
    rate = rule.double_review_rate if rule is not None else DEFAULT_DOUBLE_REVIEW_RATE
    return sample_fraction(f"double:{output.id}") < rate


@transaction.atomic
def review_item_route(
    *, output: OutputRecord, reasons: Iterable[str], priority: int | None = None
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
    rule = sampling_rule_for(project=output.project, model=output.model)
    item, created = ReviewItem.objects.select_for_update().get_or_create(
        output_id=output.id,
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
    if rule.daily_cap <= 0:
        return False
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
        return cursor.fetchone() is not None


@transaction.atomic
def output_sample(*, output: OutputRecord) -> ReviewItem | None:
    """Decide whether `output` joins the uniform random sample; call once per stored output.

    The output's project (and model, if a rule names it) picks the `SamplingRule`; without an
    enabled rule nothing is sampled. The draw is deterministic:
    `sample_fraction("sample:<output id>") < random_rate`, so rerunning reproduces the same
    sample. Sampling is stratified by model version: each (rule, model version, day of
    `received_at`) has its own `daily_cap`; once it is reached the rest of that day's draws are
    dropped. Calling it again for an output already sampled changes nothing and takes no extra
    slot. Returns the review item, or None.
    """
    rule = sampling_rule_for(project=output.project, model=output.model)
    if rule is None or rule.random_rate <= 0:
        return None
    existing = ReviewItem.objects.filter(output_id=output.id).first()
    if existing is not None and ReviewReason.RANDOM_SAMPLE in existing.reasons:
        return existing
    if sample_fraction(f"sample:{output.id}") >= rule.random_rate:
        return None
    day = local_day(output.received_at)
    if not _take_sample_slot(rule=rule, model_version=output.model_version, day=day):
        return None
    return review_item_route(output=output, reasons=[ReviewReason.RANDOM_SAMPLE])


def outputs_sample(outputs: Sequence[OutputRecord]) -> None:
    """Monitoring's hook before a scan dispatch: draw the random sample among `outputs`."""
    for output in outputs:
        output_sample(output=output)


def scan_reasons(scan: ScanRecord, rule: SamplingRule | None) -> list[ReviewReason]:
    """Why this scan sends its output to a person (none: the guard's verdict stands).

    Fail closed: every scan without a verdict goes to review; so do unsafe verdicts, truncated
    conversations (the guard did not read all of it) and scores near the threshold.
    """
    reasons = []
    if scan.verdict != "error" and scan.p_unsafe is not None:
        low, high = (
            DEFAULT_LOW_CONFIDENCE
            if rule is None
            else (rule.low_confidence_min, rule.low_confidence_max)
        )
        if low <= scan.p_unsafe <= high:
            reasons.append(ReviewReason.LOW_CONFIDENCE)
    if scan.verdict == "unsafe":
        reasons.append(ReviewReason.UNSAFE)
    elif scan.verdict != "safe":
        if scan.failure not in (ScanFailure.NOT_CONFIGURED, ScanFailure.CIRCUIT_OPEN):
            reasons.append(ReviewReason.ERROR)
        if scan.failure in ScanFailure.GUARD_UNAVAILABLE:
            reasons.append(ReviewReason.GUARD_UNAVAILABLE)
    if scan.truncated:
        reasons.append(ReviewReason.TRUNCATED)
    return reasons


@transaction.atomic
def scans_route(scans: Sequence[ScanRecord]) -> dict[int, list[str]]:
    """Monitoring's hook after scans are stored: mark the rollups dirty and queue for review
    every output whose scan calls for a person; returns {output id: reasons} of those queued."""
    routed: dict[int, list[str]] = {}
    for scan in scans:
        output = scan.output
        rollup_mark_dirty(project=output.project, day=local_day(output.received_at))
        rule = sampling_rule_for(project=output.project, model=output.model)
        reasons = scan_reasons(scan, rule)
        if reasons:
            review_item_route(output=output, reasons=reasons)
            routed[output.id] = [str(reason) for reason in reasons]
    return routed


@transaction.atomic
def output_feedback(
    *, output_id: int, actor: Actor, report: bool = True, reason: str = "", text: str = ""
) -> tuple[OutputFeedback, ReviewItem | None]:
    """Store a user's feedback on an output; a report queues it for review at high priority."""
    ACCESS.require(actor, "feedback")
    output = output_record(output_id)
    if output is None:
        raise NotFoundError(_("No such output."))
    feedback = OutputFeedback.objects.create(
        output_id=output.id,
        reporter=actor_user(actor),
        report=report,
        reason=reason[:100],
        text=text,
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
