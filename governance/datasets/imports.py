"""Datasets brought in from outside: a Hugging Face dataset card, or CSV in the export's
columns (all rows or none)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from core.public import Actor, ApplicationError, InvalidInput, audit_record, error_messages
from governance import cards
from governance.datasets.dataset_csv import CsvHeaderInvalid, CsvRow, dataset_csv_parse
from governance.datasets.services import dataset_create, dataset_update
from governance.models import Dataset
from governance.permissions import ACCESS


@transaction.atomic
def dataset_import_card(*, actor: Actor, card: str, hub_id: str = "") -> Dataset:
    """Create a draft from a Hugging Face dataset card; unmapped licenses are noted for review."""
    try:
        data = cards.parse_dataset_card(card, hub_id=hub_id)
    except cards.CardInvalid as exc:
        raise InvalidInput(str(exc), fields={"card": [str(exc)]}) from exc
    dataset = dataset_create(
        actor=actor,
        name=data.name,
        hub_id=data.hub_id,
        homepage=f"https://huggingface.co/datasets/{data.hub_id}" if data.hub_id else "",
        license_expression=data.license_expression,
        languages=data.languages,
        task_categories=data.task_categories,
        size_rows=data.size_rows,
    )
    note = " ".join(data.review_reasons)
    audit_record(actor=actor, target=dataset, action="dataset.import_card", note=note)
    if note:
        dataset.decision_note = note
        dataset.save(update_fields=["decision_note"])
    return dataset


def _resolve_stewards(rows: list[CsvRow]) -> None:
    """Turn the steward column's user names into users (one query for the whole file)."""
    names = {row.values["steward"] for row in rows if row.values.get("steward")}
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    for row in rows:
        if "steward" not in row.values:
            continue
        name = row.values["steward"]
        if name and name not in users:
            row.errors.append(f"steward '{name}' is not a user")
        row.values["steward"] = users.get(name) if name else None


def _row_errors(exc: ApplicationError | ValidationError) -> list[str]:
    return [
        f"{field}: {message}" if field else message
        for field, messages in error_messages(exc).items()
        for message in messages
    ]


def _csv_error(errors: list[dict[str, Any]]) -> ApplicationError:
    summary = "; ".join(f"line {e['line']}: {', '.join(e['errors'])}" for e in errors)
    return ApplicationError(
        f"Nothing was imported: {len(errors)} bad row(s). {summary}",
        code="invalid_rows",
        extra={"rows": errors},
    )


def datasets_import_csv(*, actor: Actor, text: str) -> dict[str, int]:
    """Create or update datasets from CSV (the export's columns); all rows or none.

    New datasets start as drafts; the status column is ignored (only Legal decides).
    Raises ApplicationError listing every bad row with its line number.
    """
    ACCESS.require(actor, "edit")
    try:
        rows = dataset_csv_parse(text, collection_methods=Dataset.CollectionMethod.values)
    except CsvHeaderInvalid as exc:
        raise ApplicationError(str(exc)) from exc
    _resolve_stewards(rows)
    errors = [{"line": row.line, "errors": row.errors} for row in rows if row.errors]
    if errors:
        raise _csv_error(errors)
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            existing = Dataset.objects.filter(name__iexact=row.values["name"]).first()
            try:
                if existing:
                    dataset_update(actor=actor, dataset=existing, **row.values)
                    updated += 1
                else:
                    dataset_create(actor=actor, **row.values)
                    created += 1
            except (ApplicationError, ValidationError) as exc:
                errors.append({"line": row.line, "errors": _row_errors(exc)})
        if errors:
            # Raising inside the block rolls back the rows already written.
            raise _csv_error(errors)
    return {"created": created, "updated": updated}
