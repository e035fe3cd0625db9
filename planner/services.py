"""Writes for the planner: projects, roadmaps and their tasks, checklist runs, cost estimates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.public import (
    Actor,
    ApplicationError,
    ConflictError,
    InvalidInput,
    Role,
    actor_user,
    audit_record,
    field_changes,
    user_has_role,
)
from governance.policies.public import policy_exists
from governance.public import training_mix_exists
from planner import costing, scheduling
from planner.gates import gate_blockers
from planner.models import (
    ChecklistItem,
    ChecklistRun,
    ChecklistTemplate,
    CostEstimate,
    PricePreset,
    Project,
    Roadmap,
    RoadmapTask,
    RoadmapTemplate,
    RoadmapTemplateTask,
)
from planner.permissions import ACCESS

PROJECT_FIELDS = (
    "name",
    "owner",
    "start_date",
    "status",
    "use_case",
    "data_sensitivity",
    "deployment",
    "model_approach",
    "model_size",
    "approach_rationale",
    "training_mix",
    "policy",
)


# --- projects -----------------------------------------------------------------------------


# The governance links are ids: the planner never loads another app's rows.
LINKS = {"training_mix": "training_mix_id", "policy": "policy_id"}


def _project_values(project: Project) -> dict[str, Any]:
    return {name: getattr(project, LINKS.get(name, name)) for name in PROJECT_FIELDS}


def _project_assign(project: Project, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise ApplicationError(f"{name} cannot be changed here.")
        setattr(project, LINKS.get(name, name), value)
    _links_check(project)


def _links_check(project: Project) -> None:
    errors: dict[str, list[str]] = {}
    if project.training_mix_id is not None and not training_mix_exists(project.training_mix_id):
        errors["training_mix"] = ["This training mix does not exist."]
    if project.policy_id is not None and not policy_exists(project.policy_id):
        errors["policy"] = ["This policy does not exist."]
    if errors:
        raise InvalidInput("Check the linked records.", fields=errors)


def _owner_check(project: Project) -> None:
    if project.owner_id and not user_has_role(project.owner, Role.PM):
        raise ValidationError({"owner": "The owner of a project must be a PM."})


@transaction.atomic
def project_create(*, actor: Actor, name: str, start_date: date, **fields: Any) -> Project:
    ACCESS.require(actor, "edit")
    fields.setdefault("owner", actor_user(actor))
    project = Project(name=name, start_date=start_date)
    _project_assign(project, fields)
    project.full_clean()
    _owner_check(project)
    project.save()
    audit_record(actor=actor, target=project, action="project.create")
    return project


@transaction.atomic
def project_update(*, project: Project, actor: Actor, **fields: Any) -> Project:
    ACCESS.require(actor, "edit")
    before = _project_values(project)
    _project_assign(project, fields)
    project.full_clean()
    _owner_check(project)
    project.save()
    changes = field_changes(before, _project_values(project))
    if changes:
        audit_record(actor=actor, target=project, action="project.update", changes=changes)
    return project


# --- roadmap templates --------------------------------------------------------------------


def _template_tasks_check(tasks: list[dict[str, Any]]) -> None:
    keys = [task["key"] for task in tasks]
    if len(keys) != len(set(keys)):
        raise ValidationError({"tasks": "Every task needs its own key."})
    for task in tasks:
        unknown = set(task.get("depends_on", [])) - set(keys)
        if unknown:
            raise ValidationError(
                {"tasks": f"Task {task['key']} depends on unknown tasks: {sorted(unknown)}."}
            )
    if scheduling.has_cycle({task["key"]: task.get("depends_on", []) for task in tasks}):
        raise ValidationError({"tasks": "The task dependencies form a loop."})


def _template_tasks_write(template: RoadmapTemplate, tasks: list[dict[str, Any]]) -> None:
    _template_tasks_check(tasks)
    template.tasks.all().delete()
    created: dict[str, RoadmapTemplateTask] = {}
    for order, spec in enumerate(tasks):
        task = RoadmapTemplateTask(
            template=template,
            key=spec["key"],
            title=spec["title"],
            description=spec.get("description", ""),
            day=spec["day"],
            duration=spec.get("duration", 1),
            weekend=spec.get("weekend", False),
            gate=spec.get("gate", ""),
            order=order,
        )
        task.full_clean(exclude=["template"])
        task.save()
        created[task.key] = task
    for spec in tasks:
        created[spec["key"]].depends_on.set([created[key] for key in spec.get("depends_on", [])])


def template_task_specs(template: RoadmapTemplate) -> list[dict[str, Any]]:
    return [
        {
            "key": task.key,
            "title": task.title,
            "description": task.description,
            "day": task.day,
            "duration": task.duration,
            "weekend": task.weekend,
            "gate": task.gate,
            "depends_on": [dep.key for dep in task.depends_on.all()],
        }
        for task in template.tasks.prefetch_related("depends_on")
    ]


@transaction.atomic
def roadmap_template_create(
    *, actor: Actor, name: str, slug: str, description: str = "", tasks: list[dict[str, Any]]
) -> RoadmapTemplate:
    ACCESS.require(actor, "edit")
    template = RoadmapTemplate(
        name=name, slug=slug, description=description, created_by=actor_user(actor)
    )
    template.full_clean()
    template.save()
    _template_tasks_write(template, tasks)
    audit_record(actor=actor, target=template, action="roadmap_template.create")
    return template


@transaction.atomic
def roadmap_template_update(
    *,
    template: RoadmapTemplate,
    actor: Actor,
    tasks: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> RoadmapTemplate:
    ACCESS.require(actor, "edit")
    if template.builtin:
        raise ConflictError("Built-in templates are read-only: copy this one and edit the copy.")
    for name, value in fields.items():
        if name not in {"name", "slug", "description"}:
            raise ApplicationError(f"{name} cannot be changed here.")
        setattr(template, name, value)
    template.full_clean()
    template.save()
    if tasks is not None:
        _template_tasks_write(template, tasks)
    audit_record(actor=actor, target=template, action="roadmap_template.update")
    return template


@transaction.atomic
def roadmap_template_copy(
    *, template: RoadmapTemplate, actor: Actor, name: str = "", slug: str = ""
) -> RoadmapTemplate:
    name = name or f"{template.name} (copy)"
    if not slug:
        base = f"{template.slug}-copy"
        slug, n = base, 2
        while RoadmapTemplate.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
    return roadmap_template_create(
        actor=actor,
        name=name,
        slug=slug,
        description=template.description,
        tasks=template_task_specs(template),
    )


@transaction.atomic
def roadmap_template_delete(*, template: RoadmapTemplate, actor: Actor) -> None:
    ACCESS.require(actor, "edit")
    if template.builtin:
        raise ConflictError("Built-in templates cannot be deleted.")
    audit_record(actor=actor, target=template, action="roadmap_template.delete")
    template.delete()


# --- roadmaps -----------------------------------------------------------------------------


_PAST_THE_CALENDAR = "The schedule would run past the last date the calendar supports."


def roadmap_calendar(roadmap: Roadmap) -> scheduling.WorkCalendar:
    years = range(roadmap.start_date.year, roadmap.start_date.year + 3)
    return scheduling.WorkCalendar.for_country(roadmap.holiday_country, years)


@transaction.atomic
def roadmap_instantiate(
    *,
    project: Project,
    template: RoadmapTemplate,
    start_date: date,
    actor: Actor,
    holiday_country: str = "",
) -> Roadmap:
    """Schedule every template task on business days from `start_date` for the project."""
    ACCESS.require(actor, "edit")
    if Roadmap.objects.filter(project=project).exists():
        raise ConflictError("This project already has a roadmap.")
    holiday_country = holiday_country.upper().strip()
    roadmap = Roadmap(
        project=project,
        template=template,
        template_name=template.name,
        start_date=start_date,
        holiday_country=holiday_country,
        created_by=actor_user(actor),
    )
    try:
        calendar = roadmap_calendar(roadmap)
    except NotImplementedError:
        raise ValidationError(
            {"holiday_country": f"No public-holiday calendar for “{holiday_country}”."}
        ) from None
    roadmap.save()
    specs = list(template.tasks.prefetch_related("depends_on"))
    if not specs:
        raise ApplicationError("This template has no tasks.")
    tasks: dict[int, RoadmapTask] = {}
    for spec in specs:
        try:
            starts_on, due_on = scheduling.slot_for(
                calendar, start_date, day=spec.day, duration=spec.duration, weekend=spec.weekend
            )
        except OverflowError:
            raise ValidationError({"start_date": _PAST_THE_CALENDAR}) from None
        tasks[spec.pk] = RoadmapTask.objects.create(
            roadmap=roadmap,
            key=spec.key,
            title=spec.title,
            description=spec.description,
            day=spec.day,
            duration=spec.duration,
            weekend=spec.weekend,
            starts_on=starts_on,
            due_on=due_on,
            planned_due_on=due_on,
            gate=spec.gate,
            order=spec.order,
            owner=project.owner,
        )
    for spec in specs:
        tasks[spec.pk].depends_on.set([tasks[dep.pk] for dep in spec.depends_on.all()])
    audit_record(
        actor=actor,
        target=project,
        action="roadmap.instantiate",
        note=f"{template.name} from {start_date.isoformat()}",
    )
    return roadmap


def _slot(task: RoadmapTask, deps: dict[int, list[int]]) -> scheduling.Slot:
    return scheduling.Slot(
        starts_on=task.starts_on,
        due_on=task.due_on,
        duration=task.duration,
        weekend=task.weekend,
        depends_on=tuple(deps.get(task.pk, ())),
    )


def _shift_dependents(task: RoadmapTask) -> list[RoadmapTask]:
    roadmap = task.roadmap
    all_tasks = {t.pk: t for t in roadmap.tasks.prefetch_related("depends_on")}
    all_tasks[task.pk] = task
    deps = {pk: [d.pk for d in t.depends_on.all()] for pk, t in all_tasks.items()}
    slots = {pk: _slot(t, deps) for pk, t in all_tasks.items()}
    moved = scheduling.shift_dependents(roadmap_calendar(roadmap), slots, [task.pk])
    changed = []
    for pk, slot in moved.items():
        other = all_tasks[pk]
        other.starts_on, other.due_on = slot.starts_on, slot.due_on
        other.save(update_fields=["starts_on", "due_on"])
        changed.append(other)
    return sorted(changed, key=lambda t: (t.starts_on, t.order))


TASK_FIELDS = {"status", "owner", "note", "starts_on", "due_on", "title", "description"}
STARTED = {RoadmapTask.Status.DOING, RoadmapTask.Status.DONE}


def _apply_move(
    task: RoadmapTask,
    calendar: scheduling.WorkCalendar,
    new_start: date | None,
    new_due: date | None,
    original_due: date,
) -> None:
    if new_start is not None and new_start != task.starts_on:
        # Moving keeps the length: the same number of business days from the new start.
        if task.weekend:
            task.starts_on, task.due_on = scheduling.weekend_after(new_start - timedelta(days=1))
        else:
            task.starts_on = calendar.next_business_day(new_start)
            task.due_on = calendar.add_business_days(task.starts_on, task.duration - 1)
    # A due date equal to the one before the move is an unchanged form field, not a request.
    if new_due is not None and new_due != original_due:
        if new_due < task.starts_on:
            raise ValidationError({"due_on": "The due date cannot be before the start date."})
        task.due_on = new_due
        if not task.weekend:
            task.duration = max(1, calendar.business_days_between(task.starts_on, new_due))


@transaction.atomic
def roadmap_task_update(
    *, task: RoadmapTask, actor: Actor, **changes: Any
) -> tuple[RoadmapTask, list[RoadmapTask]]:
    """Change a task; moving or slipping it shifts its dependents. Returns (task, shifted)."""
    ACCESS.require(actor, "edit")
    unknown = set(changes) - TASK_FIELDS
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    task = (
        RoadmapTask.objects.select_for_update().select_related("roadmap__project").get(pk=task.pk)
    )
    before = {name: getattr(task, name) for name in TASK_FIELDS}
    status = changes.get("status", task.status)
    if status in STARTED and task.status not in STARTED and task.gate:
        blockers = gate_blockers(task.roadmap.project, task.gate)
        if blockers:
            raise ConflictError(
                f"“{task.title}” cannot start yet: " + " ".join(blockers),
                code="gate_closed",
                extra={"blockers": blockers},
            )
    calendar = roadmap_calendar(task.roadmap)
    new_start, new_due = changes.pop("starts_on", None), changes.pop("due_on", None)
    original_due = task.due_on
    for name, value in changes.items():
        setattr(task, name, value)
    try:
        _apply_move(task, calendar, new_start, new_due, original_due)
    except OverflowError:
        raise ValidationError({"starts_on": _PAST_THE_CALENDAR}) from None
    if task.status == RoadmapTask.Status.DONE and task.completed_at is None:
        task.completed_at = timezone.now()
    elif task.status != RoadmapTask.Status.DONE:
        task.completed_at = None
    task.full_clean(exclude=["roadmap", "depends_on"])
    task.save()
    try:
        moved = {"starts_on", "due_on"} & _changed(before, task)
        shifted = _shift_dependents(task) if moved else []
    except OverflowError:
        raise ValidationError({"due_on": _PAST_THE_CALENDAR}) from None
    changes_made = field_changes(before, {name: getattr(task, name) for name in TASK_FIELDS})
    if changes_made:
        note = f"{len(shifted)} dependent task(s) shifted." if shifted else ""
        audit_record(
            actor=actor, target=task, action="roadmap_task.update", changes=changes_made, note=note
        )
    return task, shifted


def _changed(before: dict[str, Any], task: RoadmapTask) -> set[str]:
    return {name for name, value in before.items() if getattr(task, name) != value}


def roadmap_task_slip(
    *, task: RoadmapTask, actor: Actor, business_days: int
) -> tuple[RoadmapTask, list[RoadmapTask]]:
    """The task runs late by `business_days`: its due date moves, dependents follow."""
    if business_days < 1:
        raise ApplicationError("A slip is at least one business day.")
    calendar = roadmap_calendar(task.roadmap)
    return roadmap_task_update(
        task=task, actor=actor, due_on=calendar.add_business_days(task.due_on, business_days)
    )


# --- checklists ---------------------------------------------------------------------------


@transaction.atomic
def checklist_run_start(
    *, project: Project, template: ChecklistTemplate, actor: Actor, title: str = ""
) -> ChecklistRun:
    ACCESS.require(actor, "edit")
    run = ChecklistRun.objects.create(
        project=project,
        template=template,
        template_slug=template.slug,
        title=title or template.name,
        ordered=template.ordered,
        created_by=actor_user(actor),
    )
    items = [
        ChecklistItem(
            run=run,
            section=section.title,
            step=step,
            order=order,
            text=item.text,
            help=item.help,
        )
        for step, section in enumerate(template.sections.prefetch_related("items"))
        for order, item in enumerate(section.items.all())
    ]
    ChecklistItem.objects.bulk_create(items)
    audit_record(actor=actor, target=project, action="checklist.start", note=run.title)
    return run


@transaction.atomic
def checklist_item_resolve(
    *,
    item: ChecklistItem,
    actor: Actor,
    status: str,
    reason: str = "",
    finding: str = "",
    evidence_url: str = "",
) -> ChecklistItem:
    """Set an item to pass / fail / not applicable (with a reason), or reopen it."""
    ACCESS.require(actor, "edit")
    item = ChecklistItem.objects.select_for_update().select_related("run").get(pk=item.pk)
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    if status == ChecklistItem.Status.NOT_APPLICABLE and not reason.strip():
        raise ValidationError({"reason": "Say why this item does not apply."})
    if item.run.ordered and status != ChecklistItem.Status.OPEN:
        earlier_open = item.run.items.filter(step__lt=item.step, status=ChecklistItem.Status.OPEN)
        first = earlier_open.order_by("step", "order").first()
        if first is not None:
            raise ConflictError(
                f"Resolve “{first.section}” first: “{first.text}” is still open. "
                "This checklist goes in order because most failures are in the earlier steps.",
                code="out_of_order",
                extra={"blocking_item": first.pk},
            )
    before = {"status": item.status, "reason": item.reason, "finding": item.finding}
    item.status = status
    item.reason = reason if status == ChecklistItem.Status.NOT_APPLICABLE else ""
    item.finding = finding
    item.evidence_url = evidence_url
    if status == ChecklistItem.Status.OPEN:
        item.resolved_by, item.resolved_at = None, None
    else:
        item.resolved_by, item.resolved_at = actor_user(actor), timezone.now()
    item.full_clean(exclude=["run"])
    item.save()
    audit_record(
        actor=actor,
        target=item,
        action="checklist_item.resolve",
        changes=field_changes(
            before, {"status": item.status, "reason": item.reason, "finding": item.finding}
        ),
    )
    return item


# --- cost estimates -----------------------------------------------------------------------


def _decimal_dict(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            out[key] = str(value)
        elif isinstance(value, tuple):
            out[key] = [str(v) for v in value]
        else:
            out[key] = value
    return out


@transaction.atomic
def cost_estimate_create(
    *,
    actor: Actor,
    kind: str,
    project: Project | None = None,
    label: str = "",
    preset: PricePreset | None = None,
    **inputs: Any,
) -> CostEstimate:
    """Compute and save an estimate; a preset supplies the GPU price when none is given."""
    ACCESS.require(actor, "edit")
    if preset is not None and inputs.get("price_per_gpu_hour") is None:
        inputs["price_per_gpu_hour"] = preset.price_low
    estimate = CostEstimate(
        project=project,
        kind=kind,
        label=label,
        preset=preset,
        created_by=actor_user(actor),
        **inputs,
    )
    try:
        if kind == CostEstimate.Kind.TRAINING:
            required = ["tokens", "tokens_per_second_per_gpu", "gpus", "price_per_gpu_hour"]
            _require(inputs, required)
            training = costing.training_estimate(**{name: inputs[name] for name in required})
            estimate.result = _decimal_dict(training.__dict__)
            estimate.cost = training.cost
        elif kind == CostEstimate.Kind.INFERENCE:
            _require(inputs, ["pricing", "requests_per_day", "tokens_per_request"])
            if inputs["pricing"] == CostEstimate.Pricing.API:
                _require(inputs, ["price_per_million_tokens"])
                inference = costing.inference_estimate_api(
                    requests_per_day=inputs["requests_per_day"],
                    tokens_per_request=inputs["tokens_per_request"],
                    price_per_million_tokens=inputs["price_per_million_tokens"],
                )
            else:
                _require(inputs, ["serving_tokens_per_second_per_gpu", "price_per_gpu_hour"])
                inference = costing.inference_estimate_serving(
                    requests_per_day=inputs["requests_per_day"],
                    tokens_per_request=inputs["tokens_per_request"],
                    serving_tokens_per_second_per_gpu=inputs["serving_tokens_per_second_per_gpu"],
                    price_per_gpu_hour=inputs["price_per_gpu_hour"],
                )
            estimate.result = _decimal_dict(inference.__dict__)
            estimate.cost = inference.monthly_cost
        else:
            raise ValidationError({"kind": "kind is training or inference."})
    except ValueError as exc:
        raise ApplicationError(str(exc)) from exc
    estimate.full_clean()
    estimate.save()
    return estimate


def _require(inputs: dict[str, Any], names: list[str]) -> None:
    missing = [name for name in names if inputs.get(name) in (None, "")]
    if missing:
        raise ValidationError({name: "This estimate needs this field." for name in missing})


@transaction.atomic
def price_preset_update(
    *, preset: PricePreset, actor: Actor, price_low: Decimal, price_high: Decimal, name: str = ""
) -> PricePreset:
    ACCESS.require(actor, "edit")
    if price_high < price_low:
        raise ValidationError({"price_high": "The high price cannot be below the low price."})
    before = {"price_low": preset.price_low, "price_high": preset.price_high}
    preset.price_low, preset.price_high = price_low, price_high
    if name:
        preset.name = name
    preset.full_clean()
    preset.save()
    audit_record(
        actor=actor,
        target=preset,
        action="price_preset.update",
        changes=field_changes(before, {"price_low": price_low, "price_high": price_high}),
    )
    return preset
