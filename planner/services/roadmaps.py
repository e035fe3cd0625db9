"""Writes for roadmaps: templates, instantiating one for a project, and changing its tasks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.public import (
    Actor,
    ApplicationError,
    ConflictError,
    InvalidInput,
    actor_user,
    audit_record,
    field_changes,
)
from planner import scheduling
from planner.gates import gate_blockers
from planner.models import (
    TEMPLATE_NAME_UNIQUE,
    Project,
    Roadmap,
    RoadmapTask,
    RoadmapTemplate,
    RoadmapTemplateTask,
)
from planner.permissions import ACCESS

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


def _template_save(template: RoadmapTemplate) -> None:
    # The database holds the case-insensitive uniqueness rule; the savepoint keeps the outer
    # transaction usable when it refuses.
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:
        if TEMPLATE_NAME_UNIQUE in str(exc):
            message = _("A roadmap template with this name already exists.")
            raise InvalidInput(message, fields={"name": [message]}) from None
        raise


@transaction.atomic
def roadmap_template_create(
    *, actor: Actor, name: str, slug: str, description: str = "", tasks: list[dict[str, Any]]
) -> RoadmapTemplate:
    ACCESS.require(actor, "edit")
    template = RoadmapTemplate(
        name=name, slug=slug, description=description, created_by=actor_user(actor)
    )
    template.full_clean(validate_constraints=False)
    _template_save(template)
    _template_tasks_write(template, tasks)
    audit_record(actor=actor, target=template, action="roadmap_template.create")
    return template


@transaction.atomic
def roadmap_template_update(
    *,
    template: RoadmapTemplate,
    actor: Actor,
    tasks: list[dict[str, Any]] | None = None,
    name: str | None = None,
    slug: str | None = None,
    description: str | None = None,
) -> RoadmapTemplate:
    """Change a template's fields (those given) and, when `tasks` is given, its tasks."""
    ACCESS.require(actor, "edit")
    if template.builtin:
        raise ConflictError("Built-in templates are read-only: copy this one and edit the copy.")
    changes = {"name": name, "slug": slug, "description": description}
    for field_name, value in changes.items():
        if value is not None:
            setattr(template, field_name, value)
    template.full_clean(validate_constraints=False)
    _template_save(template)
    if tasks is not None:
        _template_tasks_write(template, tasks)
    audit_record(actor=actor, target=template, action="roadmap_template.update")
    return template


@transaction.atomic
def roadmap_template_copy(
    *, template: RoadmapTemplate, actor: Actor, name: str = "", slug: str = ""
) -> RoadmapTemplate:
    if not name:
        base_name = _("%(name)s (copy)") % {"name": template.name}
        name, n = base_name, 2
        while RoadmapTemplate.objects.filter(name__iexact=name).exists():
            name, n = f"{base_name} {n}", n + 1
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


class TaskChanges(TypedDict, total=False):
    """What a person may change on a roadmap task."""

    status: str
    owner: User | None
    note: str
    starts_on: date
    due_on: date
    title: str
    description: str


TASK_FIELDS: tuple[str, ...] = tuple(TaskChanges.__annotations__)
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
    *, task: RoadmapTask, actor: Actor, **values: Unpack[TaskChanges]
) -> tuple[RoadmapTask, list[RoadmapTask]]:
    """Change a task; moving or slipping it shifts its dependents. Returns (task, shifted)."""
    ACCESS.require(actor, "edit")
    changes: dict[str, Any] = dict(values)
    unknown = set(changes) - set(TASK_FIELDS)
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
