"""Ingest pushed outputs: validate in plain Python, store with one COPY, queue them for scanning."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.public import Actor, ApplicationError
from monitoring.ingest import CleanOutput, ItemError, item_clean
from monitoring.models import ModelOutput
from monitoring.permissions import ACCESS
from monitoring.services.scans import guard_scans_enqueue

logger = logging.getLogger(__name__)

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


def outputs_ingest(*, items: Sequence[Any], actor: Actor) -> list[IngestResult]:
    """Store pushed outputs; one result per item, in order: created, duplicate or error.

    Items are validated in plain Python, so a bad item is never written and never stops the
    others; the valid ones go in with one COPY and one INSERT. An item whose (project,
    external_id) exists already (or appears earlier in the same request) is a duplicate: it
    gets the stored id and is not scanned again. New outputs are queued for scanning after
    the transaction commits.
    """
    ACCESS.require(actor, "ingest")
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
                key = (result.project or "", result.external_id or "")
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


def output_create(*, item: Any, actor: Actor) -> tuple[ModelOutput, bool]:
    """Store one pushed output; (output, created). A re-sent item returns the stored one."""
    (result,) = outputs_ingest(items=[item], actor=actor)
    if result.status == ERROR:
        raise ApplicationError(result.error)
    if result.id is None:  # cannot happen: a stored item always has its id
        raise ApplicationError("The output could not be stored.")
    return ModelOutput.objects.get(pk=result.id), result.status == CREATED
