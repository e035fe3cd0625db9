"""Writes for monitoring: ingest pushed outputs, run the guard over them, store and route."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.services import audit_record
from governance.policies.models import PolicyVersion
from monitoring.breaker import guard_breaker_allows, guard_breaker_failure, guard_breaker_success
from monitoring.ingest import CleanOutput, ItemError, item_clean
from monitoring.models import GuardScan, ModelOutput
from monitoring.review.models import ReviewReason
from monitoring.review.services import output_sample, review_item_route, scan_recorded
from monitoring.selectors import (
    guard_status,
    outputs_guard_never_ran,
    outputs_unscanned,
    policy_version_categories,
    scan_policy_versions_for_projects,
)

logger = logging.getLogger(__name__)

DEFAULT_SCAN_BATCH_SIZE = 32
NOT_CONFIGURED = "Guard not configured (GUARD_MODEL is empty): every output goes to human review"
NO_POLICY = "no published policy"
CIRCUIT_OPEN = "guard unavailable: circuit breaker open after repeated failures"

# --- ingestion ------------------------------------------------------------------------------

CREATED = "created"
DUPLICATE = "duplicate"
ERROR = "error"


@dataclass
class IngestResult:
    index: int
    status: str  # created / duplicate / error
    external_id: str | None = None
    project: str | None = None
    id: int | None = None
    error: str = ""


# The rows go in with COPY into a session-local temporary table, then one INSERT ... SELECT
# with ON CONFLICT: as fast as a raw COPY, yet duplicates are skipped and the new ids returned.
_STAGE = """
CREATE TEMPORARY TABLE IF NOT EXISTS monitoring_ingest_stage (
    project text, external_id text, model text, model_version text,
    conversation jsonb, metadata jsonb, conversation_sha256 text
) ON COMMIT DELETE ROWS
"""
_INSERT = """
INSERT INTO {table} (project, external_id, model, model_version, conversation, metadata,
                     conversation_sha256, received_at)
SELECT project, external_id, model, model_version, conversation, metadata,
       conversation_sha256, %s
FROM monitoring_ingest_stage
ON CONFLICT (project, external_id) DO NOTHING
RETURNING id, project, external_id
"""
_EXISTING = """
SELECT o.id, o.project, o.external_id FROM {table} o
JOIN unnest(%b::text[], %b::text[]) AS k(p, e) ON o.project = k.p AND o.external_id = k.e
"""


def _raw_cursor() -> psycopg.Cursor:
    """A plain psycopg cursor on Django's connection (so inside the same transaction).

    Django's own cursors quote parameters into the SQL text on the client; for a thousand
    conversations that escaping costs more than the insert itself.
    """
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _insert_rows(rows: Iterable[CleanOutput]) -> dict[tuple[str, str], int]:
    """Insert the rows that are new (ON CONFLICT DO NOTHING); returns the ids it created.

    `rows` may be a generator: each row goes into the COPY stream as soon as it is produced,
    so PostgreSQL parses the first rows while Python still validates the later ones.
    """
    table = connection.ops.quote_name(ModelOutput._meta.db_table)
    with _raw_cursor() as cursor:
        cursor.execute(_STAGE)
        cursor.execute("DELETE FROM monitoring_ingest_stage")
        with cursor.copy("COPY monitoring_ingest_stage FROM STDIN") as copy:
            for r in rows:
                copy.write_row(
                    (
                        r.project,
                        r.external_id,
                        r.model,
                        r.model_version,
                        r.conversation_json,
                        r.metadata_json,
                        r.conversation_sha256,
                    )
                )
        cursor.execute(_INSERT.format(table=table), [timezone.now()])
        found = cursor.fetchall()
    return {(project, external_id): pk for pk, project, external_id in found}


def _existing_ids(keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    if not keys:
        return {}
    table = connection.ops.quote_name(ModelOutput._meta.db_table)
    projects = [project for project, _ in keys]
    external_ids = [external_id for _, external_id in keys]
    with _raw_cursor() as cursor:
        cursor.execute(_EXISTING.format(table=table), [projects, external_ids])
        found = cursor.fetchall()
    return {(project, external_id): pk for pk, project, external_id in found}


def _echoable(value: Any) -> bool:
    """Whether an invalid item's key can be echoed back in the (UTF-8 JSON) answer."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _validated(
    items: Sequence[Any], results: list[IngestResult], to_insert: dict[tuple[str, str], CleanOutput]
) -> Iterator[CleanOutput]:
    """Validate items in order, filling `results`; yield each first occurrence of a key."""
    for index, raw in enumerate(items):
        try:
            clean = item_clean(raw)
        except ItemError as exc:
            ids = raw if isinstance(raw, dict) else {}
            external_id = ids.get("external_id")
            project = ids.get("project")
            results.append(
                IngestResult(
                    index=index,
                    status=ERROR,
                    external_id=external_id if _echoable(external_id) else None,
                    project=project if _echoable(project) else None,
                    error=str(exc),
                )
            )
            continue
        key = (clean.project, clean.external_id)
        results.append(
            IngestResult(index=index, status=CREATED, external_id=key[1], project=key[0])
        )
        if key not in to_insert:
            to_insert[key] = clean
            yield clean


def outputs_ingest(*, items: Sequence[Any]) -> list[IngestResult]:
    """Store pushed outputs; one result per item, in order: created, duplicate or error.

    Items are validated in plain Python, so a bad item is never written and never stops the
    others; the valid ones go in with one COPY and one INSERT. An item whose (project,
    external_id) exists already (or appears earlier in the same request) is a duplicate: it
    gets the stored id and is not scanned again. New outputs are queued for scanning after
    the transaction commits.
    """
    results: list[IngestResult] = []
    if not items:
        return results
    to_insert: dict[tuple[str, str], CleanOutput] = {}
    rows = _validated(items, results, to_insert)
    with transaction.atomic():
        try:
            with transaction.atomic():
                created = _insert_rows(rows)
        except (DatabaseError, psycopg.Error):
            # Something validation did not foresee: store row by row so only that row fails.
            logger.exception("Bulk insert of outputs failed; retrying one by one")
            for _ in rows:  # finish validating what the failure interrupted
                pass
            created, failed = _insert_one_by_one(to_insert)
            for result in results:
                key = (result.project, result.external_id)
                if result.status == CREATED and key in failed:
                    result.status, result.error = ERROR, failed[key]
        existing = _existing_ids([key for key in to_insert if key not in created])
        claimed: set[tuple[str, str]] = set()
        for result in results:
            if result.status == ERROR:
                continue
            key = (result.project or "", result.external_id or "")
            if key in created and key not in claimed:
                result.id = created[key]
                claimed.add(key)
            else:
                result.status = DUPLICATE
                result.id = created.get(key) or existing.get(key)
        guard_scans_enqueue(output_ids=sorted(created.values()))
    return results


def _insert_one_by_one(
    rows: dict[tuple[str, str], CleanOutput],
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], str]]:
    created: dict[tuple[str, str], int] = {}
    failed: dict[tuple[str, str], str] = {}
    for key, row in rows.items():
        try:
            with transaction.atomic():
                created.update(_insert_rows([row]))
        except (DatabaseError, psycopg.Error) as exc:
            failed[key] = f"could not be stored: {exc.__class__.__name__}"
    return created, failed


def output_create(*, item: Any) -> tuple[ModelOutput, bool]:
    """Store one pushed output; (output, created). A re-sent item returns the stored one."""
    (result,) = outputs_ingest(items=[item])
    if result.status == ERROR:
        raise ApplicationError(result.error)
    return ModelOutput.objects.get(pk=result.id), result.status == CREATED


# --- scanning -------------------------------------------------------------------------------


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
    """Draw the random review sample, then queue one scan task per batch of ids.

    The sample is drawn here, on a worker, rather than in the request: the draw is a pure
    function of the output id, so it is the same whenever it runs, and a bulk push does not
    pay for a sampling-rule lookup per item. Returns how many scan batches were queued.
    """
    from monitoring.tasks import guard_scan_batch

    for output in ModelOutput.objects.filter(pk__in=list(output_ids)):
        output_sample(output=output)
    size = _batch_size()
    batches = [list(output_ids[i : i + size]) for i in range(0, len(output_ids), size)]
    for batch in batches:
        guard_scan_batch.delay(batch)
    return len(batches)


@dataclass
class ScanOutcome:
    """What to store for one output (the fields of GuardScan) and why to route it."""

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
    reasons: list[str] = field(default_factory=list)


@dataclass
class ScanSummary:
    scanned: int = 0
    reused: int = 0
    skipped: int = 0
    errors: int = 0
    routed: int = 0


def _failure(output: ModelOutput, error: str, *reasons: str) -> ScanOutcome:
    return ScanOutcome(
        output=output, verdict=GuardScan.Verdict.ERROR, error=error, reasons=list(reasons)
    )


def _reasons_for(verdict: str, truncated: bool) -> list[str]:
    reasons = []
    if verdict == GuardScan.Verdict.UNSAFE:
        reasons.append(ReviewReason.UNSAFE)
    elif verdict != GuardScan.Verdict.SAFE:
        reasons.append(ReviewReason.ERROR)
    if truncated:
        reasons.append(ReviewReason.TRUNCATED)
    return [str(r) for r in reasons]


def guard_scan_batch(*, output_ids: Iterable[int]) -> ScanSummary:
    """Scan these outputs (those still without a usable scan) and route what needs a person.

    Fail closed: whatever stops the guard from giving a verdict (no model configured, the
    breaker open, a load or batch failure, a timeout, an unparseable answer) is stored as an
    `error` scan and routes the output to review; nothing is ever stored as safe by default.
    Idempotent: a re-delivered batch skips outputs that already have a verdict and upserts
    the rest, so there is one scan per (output, policy version).
    """
    summary = ScanSummary()
    outputs = list(ModelOutput.objects.filter(pk__in=list(output_ids)).order_by("pk"))
    if not outputs:
        return summary
    versions = scan_policy_versions_for_projects({output.project for output in outputs})
    groups: dict[int | None, list[ModelOutput]] = {}
    by_id: dict[int, PolicyVersion] = {}
    for output in outputs:
        version = versions[output.project]
        if version is not None:
            by_id[version.pk] = version
        groups.setdefault(version.pk if version else None, []).append(output)

    for version_id, group in groups.items():
        version = by_id.get(version_id) if version_id is not None else None
        done = set(
            GuardScan.objects.filter(output__in=group, policy_version_id=version_id)
            .exclude(verdict=GuardScan.Verdict.ERROR)
            .values_list("output_id", flat=True)
        )
        todo = [output for output in group if output.pk not in done]
        summary.skipped += len(group) - len(todo)
        if not todo:
            continue
        if version is None:
            outcomes = [_failure(o, NO_POLICY, ReviewReason.ERROR) for o in todo]
        else:
            outcomes = _scan_under_version(todo, version, summary)
        _store_outcomes(outcomes, version_id, summary)
    return summary


def _scan_under_version(
    outputs: list[ModelOutput], version: PolicyVersion, summary: ScanSummary
) -> list[ScanOutcome]:
    reused = _reuse_earlier_scans(outputs, version)
    summary.reused += len(reused)
    fresh = [output for output in outputs if output.pk not in reused]
    return list(reused.values()) + (_run_guard(fresh, version) if fresh else [])


def _reuse_earlier_scans(
    outputs: list[ModelOutput], version: PolicyVersion
) -> dict[int, ScanOutcome]:
    """Identical conversations under the same policy version get the earlier verdict."""
    earlier: dict[str, GuardScan] = {}
    scans = (
        GuardScan.objects.filter(
            policy_version=version,
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
        scan = earlier.get(output.conversation_sha256)
        if scan is None:
            continue
        reused[output.pk] = ScanOutcome(
            output=output,
            verdict=scan.verdict,
            categories=list(scan.categories),
            p_unsafe=scan.p_unsafe,
            raw_output=scan.raw_output,
            truncated=scan.truncated,
            latency_ms=0.0,
            prompt=scan.prompt,
            guard_model=scan.guard_model,
            guard_revision=scan.guard_revision,
            reused_from_id=scan.reused_from_id or scan.pk,
            reasons=_reasons_for(scan.verdict, scan.truncated),
        )
    return reused


def _run_guard(outputs: list[ModelOutput], version: PolicyVersion) -> list[ScanOutcome]:
    if not settings.GUARD_MODEL:
        return [_failure(o, NOT_CONFIGURED, ReviewReason.GUARD_UNAVAILABLE) for o in outputs]
    if not guard_breaker_allows():
        return [_failure(o, CIRCUIT_OPEN, ReviewReason.GUARD_UNAVAILABLE) for o in outputs]
    # Imported here: web processes never load torch, only the worker that scans.
    from governance.policies.guard_prompt import GuardCategory
    from monitoring.guard.engine import GuardInput
    from monitoring.guard.runtime import get_engine

    categories = [
        GuardCategory(code=c.code, name=c.name, description=c.description)
        for c in policy_version_categories(version)
    ]
    started = time.monotonic()
    try:
        engine = get_engine()
        if engine is None:
            return [_failure(o, NOT_CONFIGURED, ReviewReason.GUARD_UNAVAILABLE) for o in outputs]
        results = engine.scan(
            [GuardInput(key=str(o.pk), conversation=o.conversation) for o in outputs],
            categories=categories,
            role="Agent",
            policy_key=f"policy-version:{version.pk}",
            with_descriptions=any(c.description.strip() for c in categories),
        )
    except Exception as exc:  # the whole batch failed (load, timeout, out of memory...)
        message = f"guard failed: {exc.__class__.__name__}: {exc}"[:2000]
        logger.warning("Guard batch of %d outputs failed: %s", len(outputs), message)
        guard_breaker_failure(message)
        return [
            _failure(o, message, ReviewReason.ERROR, ReviewReason.GUARD_UNAVAILABLE)
            for o in outputs
        ]
    guard_breaker_success()
    logger.info(
        "Guard scanned %d outputs in %.0f ms", len(outputs), (time.monotonic() - started) * 1000
    )
    by_key = {result.key: result for result in results}
    outcomes = []
    for output in outputs:
        result = by_key.get(str(output.pk))
        if result is None:
            outcomes.append(_failure(output, "the guard returned no result", ReviewReason.ERROR))
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
                reasons=_reasons_for(verdict, bool(result.truncated)),
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


@transaction.atomic
def _store_outcomes(outcomes: list[ScanOutcome], version_id: int | None, summary: ScanSummary):
    now = timezone.now()
    before = dict(
        GuardScan.objects.filter(
            output__in=[o.output for o in outcomes], policy_version_id=version_id
        ).values_list("output_id", "verdict")
    )
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
    for outcome, scan in zip(outcomes, scans, strict=True):
        scan_recorded(scan=scan)
        summary.scanned += outcome.reused_from_id is None and outcome.verdict != "error"
        summary.errors += outcome.verdict == GuardScan.Verdict.ERROR
        if outcome.reasons:
            review_item_route(output=outcome.output, reasons=outcome.reasons)
            summary.routed += 1
        audit_record(
            actor=None,
            target=outcome.output,
            action="reused verdict" if outcome.reused_from_id else "scanned",
            changes={"verdict": [before.get(outcome.output.pk), outcome.verdict]},
            note="; ".join(
                part
                for part in (
                    outcome.error,
                    f"categories {', '.join(outcome.categories)}" if outcome.categories else "",
                    f"to review: {', '.join(outcome.reasons)}" if outcome.reasons else "",
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
