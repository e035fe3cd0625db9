"""Scan orchestration: run the guard over stored outputs, store one scan per output and policy
version, and hand the stored scans to the hooks registered with monitoring (the review queue)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.public import SYSTEM, audit_record
from governance.policies.public import PolicyVersionRef, policy_version_categories
from monitoring import hooks
from monitoring.breaker import guard_breaker_allows, guard_breaker_failure, guard_breaker_success
from monitoring.models import GuardScan, ModelOutput
from monitoring.records import ScanFailure
from monitoring.selectors import (
    guard_status,
    output_record_of,
    output_records,
    outputs_guard_never_ran,
    outputs_unscanned,
    scan_policy_versions_for_projects,
    scan_record,
)

logger = logging.getLogger(__name__)

DEFAULT_SCAN_BATCH_SIZE = 32
NOT_CONFIGURED = "Guard not configured (GUARD_MODEL is empty): every output goes to human review"
NO_POLICY = "no published policy"
CIRCUIT_OPEN = "guard unavailable: circuit breaker open after repeated failures"


def _batch_size() -> int:
    return int(getattr(settings, "GUARD_SCAN_BATCH_SIZE", DEFAULT_SCAN_BATCH_SIZE))


def guard_scans_enqueue(*, output_ids: Sequence[int]) -> None:
    """Queue these outputs for scanning once the current transaction commits.

    One message per call (not one per batch): publishing costs milliseconds each, and a
    bulk push of 1,000 outputs would otherwise spend more time talking to the broker than
    storing the rows. The dispatch task splits the ids into scan batches on a worker.
    """
    from monitoring.tasks import guard_scan_dispatch

    ids = list(output_ids)
    if ids:
        transaction.on_commit(lambda: guard_scan_dispatch.delay(ids))


def guard_scan_dispatch(*, output_ids: Sequence[int]) -> int:
    """Tell the registered hooks which outputs are about to be scanned (the review queue
    draws its random sample then), then queue one scan task per batch of ids.

    This runs on a worker rather than in the request: a bulk push does not pay for the
    hooks' work per item. Returns how many scan batches were queued.
    """
    from monitoring.tasks import guard_scan_batch

    records = output_records(list(output_ids))
    hooks.outputs_stored([records[pk] for pk in sorted(records)])
    size = _batch_size()
    batches = [list(output_ids[i : i + size]) for i in range(0, len(output_ids), size)]
    for batch in batches:
        guard_scan_batch.delay(batch)
    return len(batches)


@dataclass
class ScanOutcome:
    """What to store for one output (the fields of GuardScan) and why it has no verdict."""

    output: ModelOutput
    verdict: str
    categories: list[str] = field(default_factory=list)
    p_unsafe: float | None = None
    raw_output: str = ""
    error: str = ""
    truncated: bool = False
    latency_ms: float | None = None
    prompt: str = ""
    guard_model: str = ""
    guard_revision: str = ""
    reused_from_id: int | None = None
    failure: str = ScanFailure.NONE


@dataclass
class ScanSummary:
    scanned: int = 0
    reused: int = 0
    skipped: int = 0
    errors: int = 0
    routed: int = 0


def _failure(output: ModelOutput, error: str, failure: str) -> ScanOutcome:
    return ScanOutcome(output=output, verdict=GuardScan.Verdict.ERROR, error=error, failure=failure)


def guard_scan_batch(*, output_ids: Iterable[int]) -> ScanSummary:
    """Scan these outputs (those still without a usable scan) and hand the scans on.

    Fail closed: whatever stops the guard from giving a verdict (no model configured, the
    breaker open, a load or batch failure, a timeout, an unparseable answer) is stored as an
    `error` scan, which the review queue always takes; nothing is ever stored as safe by
    default. Idempotent: a re-delivered batch skips outputs that already have a verdict and
    upserts the rest, so there is one scan per (output, policy version).
    """
    summary = ScanSummary()
    outputs = list(ModelOutput.objects.filter(pk__in=list(output_ids)).order_by("pk"))
    if not outputs:
        return summary
    versions = scan_policy_versions_for_projects({output.project for output in outputs})
    groups: dict[int | None, list[ModelOutput]] = {}
    by_id: dict[int, PolicyVersionRef] = {}
    for output in outputs:
        version = versions[output.project]
        if version is not None:
            by_id[version.id] = version
        groups.setdefault(version.id if version else None, []).append(output)

    for version_id, group in groups.items():
        ref = by_id.get(version_id) if version_id is not None else None
        done = set(
            GuardScan.objects.filter(output__in=group, policy_version_id=version_id)
            .exclude(verdict=GuardScan.Verdict.ERROR)
            .values_list("output_id", flat=True)
        )
        todo = [output for output in group if output.pk not in done]
        summary.skipped += len(group) - len(todo)
        if not todo:
            continue
        if ref is None:
            outcomes = [_failure(o, NO_POLICY, ScanFailure.NO_POLICY) for o in todo]
        else:
            outcomes = _scan_under_version(todo, ref, summary)
        _store_outcomes(outcomes, version_id, summary)
    return summary


def _scan_under_version(
    outputs: list[ModelOutput], version: PolicyVersionRef, summary: ScanSummary
) -> list[ScanOutcome]:
    reused = _reuse_earlier_scans(outputs, version)
    summary.reused += len(reused)
    fresh = [output for output in outputs if output.pk not in reused]
    return list(reused.values()) + (_run_guard(fresh, version) if fresh else [])


def _reuse_earlier_scans(
    outputs: list[ModelOutput], version: PolicyVersionRef
) -> dict[int, ScanOutcome]:
    """Identical conversations under the same policy version get the earlier verdict."""
    earlier: dict[str, GuardScan] = {}
    scans = (
        GuardScan.objects.filter(
            policy_version_id=version.id,
            output__conversation_sha256__in={o.conversation_sha256 for o in outputs},
            verdict__in=[GuardScan.Verdict.SAFE, GuardScan.Verdict.UNSAFE],
        )
        .exclude(output__in=outputs)
        .select_related("output")
        .order_by("created_at", "id")
    )
    for scan in scans:
        earlier.setdefault(scan.output.conversation_sha256, scan)
    reused = {}
    for output in outputs:
        first = earlier.get(output.conversation_sha256)
        if first is None:
            continue
        reused[output.pk] = ScanOutcome(
            output=output,
            verdict=first.verdict,
            categories=list(first.categories),
            p_unsafe=first.p_unsafe,
            raw_output=first.raw_output,
            truncated=first.truncated,
            latency_ms=0.0,
            prompt=first.prompt,
            guard_model=first.guard_model,
            guard_revision=first.guard_revision,
            reused_from_id=first.reused_from_id or first.pk,
        )
    return reused


def _run_guard(outputs: list[ModelOutput], version: PolicyVersionRef) -> list[ScanOutcome]:
    if not settings.GUARD_MODEL:
        return [_failure(o, NOT_CONFIGURED, ScanFailure.NOT_CONFIGURED) for o in outputs]
    if not guard_breaker_allows():
        return [_failure(o, CIRCUIT_OPEN, ScanFailure.CIRCUIT_OPEN) for o in outputs]
    # Imported here: web processes never load torch, only the worker that scans.
    from monitoring.guard.engine import GuardInput
    from monitoring.guard.runtime import get_engine

    categories = policy_version_categories(version.id)
    started = time.monotonic()
    try:
        engine = get_engine()
        if engine is None:
            return [_failure(o, NOT_CONFIGURED, ScanFailure.NOT_CONFIGURED) for o in outputs]
        results = engine.scan(
            [GuardInput(key=str(o.pk), conversation=o.conversation) for o in outputs],
            categories=categories,
            role="Agent",
            policy_key=f"policy-version:{version.id}",
            with_descriptions=any(c.description.strip() for c in categories),
        )
    except Exception as exc:  # the whole batch failed (load, timeout, out of memory...)
        message = f"guard failed: {exc.__class__.__name__}: {exc}"[:2000]
        logger.warning("Guard batch of %d outputs failed: %s", len(outputs), message)
        guard_breaker_failure(message)
        return [_failure(o, message, ScanFailure.GUARD_FAILED) for o in outputs]
    guard_breaker_success()
    logger.info(
        "Guard scanned %d outputs in %.0f ms", len(outputs), (time.monotonic() - started) * 1000
    )
    by_key = {result.key: result for result in results}
    outcomes = []
    for output in outputs:
        result = by_key.get(str(output.pk))
        if result is None:
            outcomes.append(_failure(output, "the guard returned no result", ScanFailure.NO_RESULT))
            continue
        verdict = result.verdict if result.verdict in GuardScan.Verdict.values else "error"
        outcomes.append(
            ScanOutcome(
                output=output,
                verdict=verdict,
                categories=list(result.categories),
                p_unsafe=result.p_unsafe,
                raw_output=result.raw_output or "",
                error=result.error or ("" if verdict != "error" else "unparseable guard output"),
                truncated=bool(result.truncated),
                latency_ms=result.latency_ms,
                prompt=result.prompt or "",
                guard_model=engine.model_id,
                guard_revision=engine.revision or "",
                failure=ScanFailure.UNPARSEABLE if verdict == "error" else ScanFailure.NONE,
            )
        )
    return outcomes


_UPDATE_FIELDS = [
    "verdict",
    "categories",
    "p_unsafe",
    "guard_model",
    "guard_revision",
    "latency_ms",
    "raw_output",
    "error",
    "truncated",
    "prompt",
    "reused_from",
    "created_at",
]


def _upsert(outcomes: list[ScanOutcome], version_id: int | None) -> list[GuardScan]:
    now = timezone.now()
    scans = [
        GuardScan(
            output=o.output,
            policy_version_id=version_id,
            verdict=o.verdict,
            categories=o.categories,
            p_unsafe=o.p_unsafe,
            guard_model=o.guard_model,
            guard_revision=o.guard_revision,
            latency_ms=o.latency_ms,
            raw_output=o.raw_output,
            error=o.error,
            truncated=o.truncated,
            prompt=o.prompt,
            reused_from_id=o.reused_from_id,
            created_at=now,
        )
        for o in outcomes
    ]
    GuardScan.objects.bulk_create(
        scans,
        update_conflicts=True,
        unique_fields=["output", "policy_version"],
        update_fields=_UPDATE_FIELDS,
    )
    return scans


def _hand_on(outcomes: list[ScanOutcome], scans: list[GuardScan]) -> dict[int, list[str]]:
    records = [
        scan_record(scan, output_record_of(o.output), failure=o.failure)
        for o, scan in zip(outcomes, scans, strict=True)
    ]
    return hooks.scans_recorded(records)


@transaction.atomic
def _store_outcomes(
    outcomes: list[ScanOutcome], version_id: int | None, summary: ScanSummary
) -> None:
    before = dict(
        GuardScan.objects.filter(
            output__in=[o.output for o in outcomes], policy_version_id=version_id
        ).values_list("output_id", "verdict")
    )
    scans = _upsert(outcomes, version_id)
    try:
        with transaction.atomic():
            routed = _hand_on(outcomes, scans)
    except Exception as exc:
        # Fail closed: a verdict whose routing failed must not stand as if it had been
        # routed. Store the scans as errors, which the review queue always takes; should
        # that fail too, nothing is stored and the sweep scans these outputs again.
        logger.exception("Routing %d scans failed; storing them as errors", len(outcomes))
        message = f"review routing failed: {exc.__class__.__name__}: {exc}"[:2000]
        for outcome in outcomes:
            outcome.verdict = GuardScan.Verdict.ERROR
            outcome.error = message
            outcome.failure = ScanFailure.ROUTING_FAILED
        scans = _upsert(outcomes, version_id)
        routed = _hand_on(outcomes, scans)
    for outcome in outcomes:
        summary.scanned += outcome.reused_from_id is None and outcome.verdict != "error"
        summary.errors += outcome.verdict == GuardScan.Verdict.ERROR
        summary.routed += outcome.output.pk in routed
        audit_record(
            actor=SYSTEM,
            target=outcome.output,
            action="output.reuse_verdict" if outcome.reused_from_id else "output.scan",
            changes={"verdict": [before.get(outcome.output.pk), outcome.verdict]},
            note="; ".join(
                part
                for part in (
                    outcome.error,
                    f"categories {', '.join(outcome.categories)}" if outcome.categories else "",
                    f"to review: {', '.join(routed[outcome.output.pk])}"
                    if outcome.output.pk in routed
                    else "",
                )
                if part
            ),
        )


def guard_scan_sweep(*, older_than_s: int = 300, limit: int = 5000) -> int:
    """Queue outputs that never got a scan (e.g. the broker was down at commit) and, once the
    guard takes work again, those it never ran on during an outage; returns how many.

    Their review items stay: they were queued for a person and the later verdict only adds.
    """
    older_than = timedelta(seconds=older_than_s)
    ids = list(outputs_unscanned(older_than=older_than).values_list("pk", flat=True)[:limit])
    if len(ids) < limit and guard_status().accepting:
        retry = outputs_guard_never_ran(older_than=older_than).values_list("pk", flat=True)
        ids += list(retry[: limit - len(ids)])
    with transaction.atomic():
        guard_scans_enqueue(output_ids=ids)
    return len(ids)
