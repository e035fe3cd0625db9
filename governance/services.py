"""Writes for governance: license overrides, datasets and their review, training mixes."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.dateparse import parse_date

from core.public import (
    Actor,
    ApplicationError,
    ConflictError,
    InvalidInput,
    Role,
    actor_user,
    audit_record,
    error_messages,
    field_changes,
    notify,
    users_with_role,
)
from governance import cards, licensing, selectors
from governance.models import Dataset, License, MixComponent, ReviewStatus, TrainingMix
from governance.permissions import ACCESS

REVIEW_INTERVAL_DAYS = 365

DATASET_FIELDS = (
    "name",
    "version",
    "homepage",
    "hub_id",
    "steward",
    "license_expression",
    "license_url",
    "collection_method",
    "generated_by",
    "contains_books_or_papers",
    "contains_faces",
    "contains_personal_data",
    "web_crawled",
    "languages",
    "task_categories",
    "size_rows",
    "size_tokens",
    "intended_use",
    "prep_language_filter",
    "prep_dedup",
    "prep_quality_filter",
    "prep_pii_removal",
    "prep_toxicity_filter",
    "next_review_date",
)
# Changing any of these after a decision sends the dataset back to draft.
VERDICT_FIELDS = {
    "license_expression",
    "generated_by",
    "contains_books_or_papers",
    "contains_faces",
    "contains_personal_data",
    "web_crawled",
    "prep_pii_removal",
}
LICENSE_FACT_FIELDS = (
    "use_class",
    "attribution_required",
    "share_alike",
    "no_derivatives",
    "needs_legal_review",
)


def _legal_users() -> list[User]:
    return list(users_with_role(Role.LEGAL))


def _normalized_expression(text: str) -> str:
    try:
        return licensing.normalize_license_expression(text)
    except licensing.LicenseExpressionInvalid as exc:
        raise InvalidInput(exc.message, fields={"license_expression": [exc.message]}) from exc


# --- licenses --------------------------------------------------------------------------------


@transaction.atomic
def license_override(*, actor: Actor, license: License, reason: str, **facts: Any) -> License:
    """Legal corrects the facts of a license; who and why are recorded and verdicts refresh."""
    ACCESS.require(actor, "review")
    if not reason.strip():
        raise InvalidInput(
            "Say why the facts are overridden.",
            fields={"reason": ["Say why the facts are overridden."]},
        )
    unknown = set(facts) - set(LICENSE_FACT_FIELDS)
    if unknown:
        raise ApplicationError(f"These license facts cannot be set: {', '.join(sorted(unknown))}.")
    before = {name: getattr(license, name) for name in LICENSE_FACT_FIELDS}
    for name, value in facts.items():
        setattr(license, name, value)
    license.overridden_by = actor_user(actor)
    license.overridden_at = timezone.now()
    license.override_reason = reason.strip()
    license.facts_source = f"Override by {actor}"
    license.full_clean()
    license.save()
    changes = field_changes(before, {name: getattr(license, name) for name in LICENSE_FACT_FIELDS})
    audit_record(
        actor=actor, target=license, action="license.override", changes=changes, note=reason
    )
    for dataset in selectors.licenses_used_by(license):
        _refresh_verdict(dataset)
        dataset.save(update_fields=["verdict", "commercial_use", "needs_legal_review"])
    return license


# --- datasets --------------------------------------------------------------------------------


def _refresh_verdict(dataset: Dataset) -> licensing.Verdict:
    verdict = selectors.dataset_verdict(dataset)
    dataset.verdict = verdict.as_dict()
    dataset.commercial_use = verdict.commercial_use
    dataset.needs_legal_review = verdict.needs_legal_review
    return verdict


def _snapshot(dataset: Dataset) -> dict[str, Any]:
    data = model_to_dict(dataset, fields=[*DATASET_FIELDS, "status"])
    data["steward"] = dataset.steward.get_username() if dataset.steward else None
    return data


def _apply(dataset: Dataset, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(DATASET_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown dataset fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        if name == "license_expression":
            value = _normalized_expression(value or "")
        elif name in ("languages", "task_categories"):
            value = [str(item).strip() for item in value or [] if str(item).strip()]
        elif isinstance(value, str):
            value = value.strip()
        setattr(dataset, name, value)
    if (
        dataset.generated_by
        and dataset.collection_method != Dataset.CollectionMethod.MODEL_GENERATED
    ):
        # Naming the generating model is what makes data model-generated.
        dataset.collection_method = Dataset.CollectionMethod.MODEL_GENERATED
    if dataset.collection_method == Dataset.CollectionMethod.CRAWL:
        dataset.web_crawled = True


@transaction.atomic
def dataset_create(*, actor: Actor, name: str, **fields: Any) -> Dataset:
    ACCESS.require(actor, "edit")
    if Dataset.objects.filter(name__iexact=name.strip()).exists():
        message = f"A dataset named '{name.strip()}' already exists."
        raise InvalidInput(message, fields={"name": [message]})
    dataset = Dataset(created_by=actor_user(actor))
    fields.setdefault("steward", actor_user(actor))
    _apply(dataset, {"name": name, **fields})
    dataset.full_clean()
    _refresh_verdict(dataset)
    dataset.save()
    filled = {k: v for k, v in _snapshot(dataset).items() if v not in (None, "", [], False)}
    audit_record(
        actor=actor, target=dataset, action="dataset.create", changes=field_changes({}, filled)
    )
    return dataset


@transaction.atomic
def dataset_update(*, actor: Actor, dataset: Dataset, **fields: Any) -> Dataset:
    ACCESS.require(actor, "edit")
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    before = _snapshot(dataset)
    _apply(dataset, fields)
    if "name" in fields and (
        Dataset.objects.filter(name__iexact=dataset.name).exclude(pk=dataset.pk).exists()
    ):
        message = f"A dataset named '{dataset.name}' already exists."
        raise InvalidInput(message, fields={"name": [message]})
    dataset.full_clean()
    after = _snapshot(dataset)
    changes = field_changes(before, after)
    note = ""
    if dataset.status != ReviewStatus.DRAFT and VERDICT_FIELDS & set(changes):
        dataset.status = ReviewStatus.DRAFT
        changes["status"] = [before["status"], dataset.status]
        note = "License or content changed: the dataset needs a new legal review."
    _refresh_verdict(dataset)
    dataset.save()
    if changes:
        audit_record(
            actor=actor, target=dataset, action="dataset.update", changes=changes, note=note
        )
    return dataset


@transaction.atomic
def dataset_delete(*, actor: Actor, dataset: Dataset) -> None:
    ACCESS.require(actor, "edit")
    mixes = list(
        TrainingMix.objects.filter(components__dataset=dataset).values_list("name", flat=True)
    )
    if mixes:
        raise ConflictError(
            f"'{dataset.name}' is used by the training mix(es) {', '.join(sorted(mixes))}; "
            "remove it from them first."
        )
    audit_record(actor=actor, target=dataset, action="dataset.delete")
    dataset.delete()


def _transition(
    dataset: Dataset, *, actor: Actor, to: str, action: str, note: str = "", **extra: Any
) -> Dataset:
    before = {"status": dataset.status, **{name: getattr(dataset, name) for name in extra}}
    dataset.status = to
    for name, value in extra.items():
        setattr(dataset, name, value)
    dataset.save()
    after = {"status": dataset.status, **{name: getattr(dataset, name) for name in extra}}
    audit_record(
        actor=actor, target=dataset, action=action, changes=field_changes(before, after), note=note
    )
    return dataset


@transaction.atomic
def dataset_submit(*, actor: Actor, dataset: Dataset, note: str = "") -> Dataset:
    """Send a draft (or a rejected dataset, once fixed) to Legal's review queue."""
    ACCESS.require(actor, "edit")
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.status not in (ReviewStatus.DRAFT, ReviewStatus.REJECTED):
        raise ConflictError(
            f"'{dataset.name}' is {dataset.get_status_display().lower()}; "
            "only a draft or a rejected dataset can be submitted."
        )
    _refresh_verdict(dataset)
    _transition(dataset, actor=actor, to=ReviewStatus.IN_REVIEW, action="dataset.submit", note=note)
    notify(
        users=[user for user in _legal_users() if user.pk != actor.pk],
        title=f"Dataset awaiting legal review: {dataset.name}",
        body=f"{actor} submitted '{dataset.name}' ({dataset.license_expression or 'no license'}).",
        url=dataset.get_absolute_url(),
    )
    return dataset


def _decide(
    *, actor: Actor, dataset: Dataset, to: str, action: str, note: str, next_review: date | None
) -> Dataset:
    ACCESS.require(actor, "review")
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.status != ReviewStatus.IN_REVIEW:
        raise ConflictError(
            f"'{dataset.name}' is {dataset.get_status_display().lower()}; "
            "only a dataset in legal review can be decided."
        )
    _refresh_verdict(dataset)
    dataset = _transition(
        dataset,
        actor=actor,
        to=to,
        action=action,
        note=note,
        reviewer=actor_user(actor),
        reviewed_at=timezone.now(),
        decision_note=note,
        next_review_date=next_review,
        overdue_notified_at=None,
    )
    if dataset.steward and dataset.steward.pk != actor.pk:
        notify(
            users=[dataset.steward],
            title=f"Dataset {dataset.get_status_display().lower()}: {dataset.name}",
            body=note,
            url=dataset.get_absolute_url(),
        )
    return dataset


@transaction.atomic
def dataset_approve(
    *,
    actor: Actor,
    dataset: Dataset,
    note: str = "",
    conditions: str = "",
    next_review_date: date | None = None,
) -> Dataset:
    """Legal approves; with conditions, the conditions are the decision note."""
    next_review = next_review_date or timezone.localdate() + timedelta(days=REVIEW_INTERVAL_DAYS)
    if next_review <= timezone.localdate():
        message = "The next review date must be in the future."
        raise InvalidInput(message, fields={"next_review_date": [message]})
    if conditions.strip():
        return _decide(
            actor=actor,
            dataset=dataset,
            to=ReviewStatus.APPROVED_WITH_CONDITIONS,
            action="dataset.approve_with_conditions",
            note=conditions.strip() + (f"\n{note.strip()}" if note.strip() else ""),
            next_review=next_review,
        )
    return _decide(
        actor=actor,
        dataset=dataset,
        to=ReviewStatus.APPROVED,
        action="dataset.approve",
        note=note.strip(),
        next_review=next_review,
    )


@transaction.atomic
def dataset_reject(*, actor: Actor, dataset: Dataset, note: str) -> Dataset:
    if not note.strip():
        message = "Say why the dataset is rejected."
        raise InvalidInput(message, fields={"note": [message]})
    return _decide(
        actor=actor,
        dataset=dataset,
        to=ReviewStatus.REJECTED,
        action="dataset.reject",
        note=note.strip(),
        next_review=None,
    )


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
    if data.review_reasons:
        audit_record(
            actor=actor,
            target=dataset,
            action="dataset.import_card",
            note=" ".join(data.review_reasons),
        )
        dataset.decision_note = " ".join(data.review_reasons)
        dataset.save(update_fields=["decision_note"])
    else:
        audit_record(actor=actor, target=dataset, action="dataset.import_card")
    return dataset


_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}
_BOOL_FIELDS = {name for name in DATASET_FIELDS if name.startswith(("contains_", "prep_"))} | {
    "web_crawled"
}


def _csv_value(name: str, raw: str) -> Any:
    raw = (raw or "").strip()
    if raw[:1] == "'" and raw[1:2] in ("=", "+", "-", "@"):
        raw = raw[1:]  # the export's guard against spreadsheet formulas
    if name in _BOOL_FIELDS:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ValueError(f"{name} must be yes or no, not '{raw}'")
    if name in ("size_rows", "size_tokens"):
        if not raw:
            return None
        try:
            return int(raw.replace(",", "").replace("_", ""))
        except ValueError:
            raise ValueError(f"{name} must be a whole number, not '{raw}'") from None
    if name in ("languages", "task_categories"):
        return [item.strip() for item in raw.replace(",", ";").split(";") if item.strip()]
    if name == "next_review_date":
        if not raw:
            return None
        parsed = parse_date(raw)
        if parsed is None:
            raise ValueError(f"next_review_date must be a date (YYYY-MM-DD), not '{raw}'")
        return parsed
    if name == "steward":
        if not raw:
            return None
        user = User.objects.filter(username=raw).first()
        if user is None:
            raise ValueError(f"steward '{raw}' is not a user")
        return user
    if name == "collection_method":
        raw = raw or Dataset.CollectionMethod.LICENSED
        if raw not in Dataset.CollectionMethod.values:
            choices = ", ".join(Dataset.CollectionMethod.values)
            raise ValueError(f"collection_method must be one of {choices}, not '{raw}'")
    if name == "license_expression":
        try:
            return licensing.normalize_license_expression(raw)
        except licensing.LicenseExpressionInvalid as exc:
            raise ValueError(exc.message) from None
    return raw


def _newlines(value: str | list[str] | None) -> int:
    values = value if isinstance(value, list) else [value or ""]
    return sum(item.count("\n") for item in values)


def datasets_import_csv(*, actor: Actor, text: str) -> dict[str, int]:
    """Create or update datasets from CSV (the export's columns); all rows or none.

    New datasets start as drafts; the status column is ignored (only Legal decides).
    Raises ApplicationError listing every bad row with its line number.
    """
    ACCESS.require(actor, "edit")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise ApplicationError("The CSV needs a header row with at least a 'name' column.")
    columns = [name for name in reader.fieldnames if name in DATASET_FIELDS]
    errors: list[dict[str, Any]] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    for row in reader:
        # A quoted field may span lines: report the row at the line where it starts.
        line = reader.line_num - sum(_newlines(value) for value in row.values())
        problems: list[str] = []
        values: dict[str, Any] = {}
        for name in columns:
            try:
                values[name] = _csv_value(name, row.get(name) or "")
            except ValueError as exc:
                problems.append(str(exc))
        name = values.get("name", "")
        if not name:
            problems.append("name is required")
        elif name.lower() in seen:
            problems.append(f"'{name}' appears twice in the file")
        seen.add(str(name).lower())
        if problems:
            errors.append({"line": line, "errors": problems})
        else:
            rows.append((line, values))
    if errors:
        raise _csv_error(errors)
    created = updated = 0
    with transaction.atomic():
        for line, values in rows:
            existing = Dataset.objects.filter(name__iexact=values["name"]).first()
            try:
                if existing:
                    dataset_update(actor=actor, dataset=existing, **values)
                    updated += 1
                else:
                    dataset_create(actor=actor, **values)
                    created += 1
            except (ApplicationError, ValidationError) as exc:
                errors.append({"line": line, "errors": _messages(exc)})
        if errors:
            # Raising inside the block rolls back the rows already written.
            raise _csv_error(errors)
    return {"created": created, "updated": updated}


def _messages(exc: ApplicationError | ValidationError) -> list[str]:
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


def datasets_flag_overdue(*, actor: Actor, today: date | None = None) -> int:
    """Notify stewards of datasets whose review date has passed (once per due date)."""
    ACCESS.require(actor, "review")
    today = today or timezone.localdate()
    due = list(
        Dataset.objects.select_related("steward")
        .filter(next_review_date__lt=today, overdue_notified_at__isnull=True)
        .exclude(status=ReviewStatus.IN_REVIEW)
    )
    legal = _legal_users()
    for dataset in due:
        with transaction.atomic():
            flagged = Dataset.objects.filter(
                pk=dataset.pk, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=timezone.now())
            if not flagged:
                continue
            audit_record(
                actor=actor,
                target=dataset,
                action="dataset.flag_overdue",
                note=f"The review was due on {dataset.next_review_date:%Y-%m-%d}.",
            )
            recipients = [dataset.steward] if dataset.steward else legal
            notify(
                users=recipients,
                title=f"License review overdue: {dataset.name}",
                body=f"The legal review of '{dataset.name}' was due on "
                f"{dataset.next_review_date:%Y-%m-%d}. Check its license and resubmit it.",
                url=dataset.get_absolute_url(),
            )
    return len(due)


# --- training mixes --------------------------------------------------------------------------


def _component_error(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"components": [message]})


def _component_rows(components: Iterable[dict[str, Any]]) -> list[tuple[Dataset, float]]:
    rows: list[tuple[Dataset, float]] = []
    seen: set[int] = set()
    for index, component in enumerate(components):
        dataset = component.get("dataset")
        if not isinstance(dataset, Dataset):
            dataset = Dataset.objects.filter(pk=dataset).first()
        if dataset is None:
            raise _component_error(f"Component {index + 1}: no such dataset.")
        try:
            weight = float(component.get("weight", 1.0))
            if not math.isfinite(weight):
                raise ValueError(weight)
        except (TypeError, ValueError):
            raise _component_error(f"Component {index + 1}: the weight must be a number.") from None
        if weight <= 0:
            raise _component_error(f"{dataset.name}: the weight must be greater than zero.")
        if dataset.pk in seen:
            raise _component_error(f"{dataset.name} is in the mix twice.")
        seen.add(dataset.pk)
        rows.append((dataset, weight))
    return rows


def _mix_snapshot(mix: TrainingMix) -> dict[str, Any]:
    return {
        "name": mix.name,
        "description": mix.description,
        "status": mix.status,
        "components": {c.dataset.name: c.weight for c in mix.components.select_related("dataset")},
    }


@transaction.atomic
def training_mix_create(
    *,
    actor: Actor,
    name: str,
    description: str = "",
    components: Sequence[dict[str, Any]] = (),
) -> TrainingMix:
    ACCESS.require(actor, "edit")
    if TrainingMix.objects.filter(name__iexact=name.strip()).exists():
        message = f"A training mix named '{name.strip()}' already exists."
        raise InvalidInput(message, fields={"name": [message]})
    rows = _component_rows(components)
    mix = TrainingMix(
        name=name.strip(),
        description=description.strip(),
        created_by=actor_user(actor),
    )
    mix.full_clean()
    mix.save()
    MixComponent.objects.bulk_create(
        [MixComponent(mix=mix, dataset=dataset, weight=weight) for dataset, weight in rows]
    )
    audit_record(
        actor=actor,
        target=mix,
        action="training_mix.create",
        changes=field_changes({}, _mix_snapshot(mix)),
    )
    return mix


@transaction.atomic
def training_mix_update(
    *,
    actor: Actor,
    mix: TrainingMix,
    name: str | None = None,
    description: str | None = None,
    components: Sequence[dict[str, Any]] | None = None,
) -> TrainingMix:
    """Edit a mix; changing its datasets after a review decision sends it back to draft."""
    ACCESS.require(actor, "edit")
    mix = TrainingMix.objects.select_for_update().get(pk=mix.pk)
    before = _mix_snapshot(mix)
    if name is not None:
        if TrainingMix.objects.filter(name__iexact=name.strip()).exclude(pk=mix.pk).exists():
            message = f"A training mix named '{name.strip()}' already exists."
            raise InvalidInput(message, fields={"name": [message]})
        mix.name = name.strip()
    if description is not None:
        mix.description = description.strip()
    mix.full_clean()
    note = ""
    if components is not None:
        rows = _component_rows(components)
        mix.components.all().delete()
        MixComponent.objects.bulk_create(
            [MixComponent(mix=mix, dataset=dataset, weight=weight) for dataset, weight in rows]
        )
        if (
            mix.status != TrainingMix.Status.DRAFT
            and _mix_snapshot(mix)["components"] != before["components"]
        ):
            mix.status = TrainingMix.Status.DRAFT
            note = "The datasets changed: the mix needs a new legal review."
    mix.save()
    changes = field_changes(before, _mix_snapshot(mix))
    if changes:
        audit_record(
            actor=actor, target=mix, action="training_mix.update", changes=changes, note=note
        )
    return mix


@transaction.atomic
def training_mix_delete(*, actor: Actor, mix: TrainingMix) -> None:
    ACCESS.require(actor, "edit")
    if mix.status == TrainingMix.Status.APPROVED:
        ACCESS.require(actor, "review")
    audit_record(actor=actor, target=mix, action="training_mix.delete")
    mix.delete()


def _mix_transition(mix: TrainingMix, *, actor: Actor, to: str, verb: str, note: str) -> None:
    before = {"status": mix.status}
    mix.status = to
    if verb in ("approve", "reject"):
        mix.reviewer = actor_user(actor)
        mix.reviewed_at = timezone.now()
        mix.decision_note = note
    mix.save()
    audit_record(
        actor=actor,
        target=mix,
        action=f"training_mix.{verb}",
        changes=field_changes(before, {"status": mix.status}),
        note=note,
    )


@transaction.atomic
def training_mix_submit(*, actor: Actor, mix: TrainingMix, note: str = "") -> TrainingMix:
    ACCESS.require(actor, "edit")
    mix = TrainingMix.objects.select_for_update().get(pk=mix.pk)
    if mix.status not in (TrainingMix.Status.DRAFT, TrainingMix.Status.REJECTED):
        raise ConflictError(
            f"'{mix.name}' is {mix.get_status_display().lower()}; "
            "only a draft or a rejected mix can be submitted."
        )
    if not mix.components.exists():
        raise ApplicationError(f"Add datasets to '{mix.name}' before submitting it.")
    _mix_transition(mix, actor=actor, to=TrainingMix.Status.IN_REVIEW, verb="submit", note=note)
    notify(
        users=[user for user in _legal_users() if user.pk != actor.pk],
        title=f"Training mix awaiting legal review: {mix.name}",
        body=f"{actor} submitted the training mix '{mix.name}'.",
        url=mix.get_absolute_url(),
    )
    return mix


@transaction.atomic
def training_mix_approve(*, actor: Actor, mix: TrainingMix, note: str = "") -> TrainingMix:
    """Legal approves a mix whose datasets are all approved and free of conflicts."""
    ACCESS.require(actor, "review")
    mix = TrainingMix.objects.select_for_update().get(pk=mix.pk)
    if mix.status != TrainingMix.Status.IN_REVIEW:
        raise ConflictError(
            f"'{mix.name}' is {mix.get_status_display().lower()}; "
            "only a mix in legal review can be approved."
        )
    problems = selectors.training_mix_dataset_problems(mix)
    if problems:
        raise ConflictError(
            f"'{mix.name}' cannot be approved: " + " ".join(problems),
            extra={"blockers": problems},
        )
    _mix_transition(mix, actor=actor, to=TrainingMix.Status.APPROVED, verb="approve", note=note)
    return mix


@transaction.atomic
def training_mix_reject(*, actor: Actor, mix: TrainingMix, note: str) -> TrainingMix:
    ACCESS.require(actor, "review")
    if not note.strip():
        message = "Say why the mix is rejected."
        raise InvalidInput(message, fields={"note": [message]})
    mix = TrainingMix.objects.select_for_update().get(pk=mix.pk)
    if mix.status != TrainingMix.Status.IN_REVIEW:
        raise ConflictError(
            f"'{mix.name}' is {mix.get_status_display().lower()}; "
            "only a mix in legal review can be rejected."
        )
    _mix_transition(
        mix, actor=actor, to=TrainingMix.Status.REJECTED, verb="reject", note=note.strip()
    )
    return mix
