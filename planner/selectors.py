"""Reads for the planner: project lists, roadmap overviews with gates, exports, dashboards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Max, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from core.public import Role, users_with_role
from planner.filtersets import ProjectFilterSet, RoadmapTemplateFilterSet
from planner.gates import GateReader
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
)
from planner.seed import DEBUGGING_ORDER


def task_owner_choices() -> QuerySet[User]:
    """People who can own roadmap tasks: active PMs."""
    return users_with_role(Role.PM)


def project_queryset() -> QuerySet[Project]:
    """Projects with their owner and roadmap progress: what every project list shows."""
    return (
        Project.objects.select_related("owner")
        .annotate(
            tasks_total=Count("roadmap__tasks", distinct=True),
            tasks_done=Count(
                "roadmap__tasks",
                filter=Q(roadmap__tasks__status=RoadmapTask.Status.DONE),
                distinct=True,
            ),
            roadmap_end=Max("roadmap__tasks__due_on"),
        )
        .order_by("-created_at", "-id")
    )


def project_filterset(data: Mapping[str, Any] | None = None) -> ProjectFilterSet:
    """The one project filter (page, API and this selector), bound to `data`."""
    return ProjectFilterSet(data if data is not None else {}, queryset=project_queryset())


def project_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Project]:
    """Projects matching `filters` (the ProjectFilterSet's fields), newest first."""
    filterset = project_filterset(filters)
    return filterset.qs if filterset.is_valid() else project_queryset().none()


def roadmap_template_queryset() -> QuerySet[RoadmapTemplate]:
    # Aggregating queries ignore Meta.ordering: order explicitly.
    return RoadmapTemplate.objects.annotate(task_count=Count("tasks")).order_by(
        "-builtin", "name", "id"
    )


def roadmap_template_filterset(data: Mapping[str, Any] | None = None) -> RoadmapTemplateFilterSet:
    return RoadmapTemplateFilterSet(
        data if data is not None else {}, queryset=roadmap_template_queryset()
    )


def roadmap_template_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[RoadmapTemplate]:
    filterset = roadmap_template_filterset(filters)
    return filterset.qs if filterset.is_valid() else roadmap_template_queryset().none()


def roadmap_template_get(reference: str | int) -> RoadmapTemplate | None:
    """A template by id or slug."""
    reference = str(reference)
    if reference.isdigit():
        return RoadmapTemplate.objects.filter(pk=int(reference)).first()
    return RoadmapTemplate.objects.filter(slug=reference).first()


def checklist_template_list() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.prefetch_related("sections__items")


def price_preset_list() -> QuerySet[PricePreset]:
    return PricePreset.objects.all()


def checklist_template_get(reference: str | int) -> ChecklistTemplate | None:
    reference = str(reference)
    if reference.isdigit():
        return ChecklistTemplate.objects.filter(pk=int(reference)).first()
    return ChecklistTemplate.objects.filter(slug=reference).first()


def roadmap_tasks(roadmap: Roadmap) -> QuerySet[RoadmapTask]:
    return roadmap.tasks.select_related("owner").prefetch_related("depends_on")


# Every task of a roadmap with what its row shows, for many roadmaps in three queries.
ROADMAP_TASKS = Prefetch(
    "tasks", queryset=RoadmapTask.objects.select_related("owner").prefetch_related("depends_on")
)


@dataclass
class TaskRow:
    task: RoadmapTask
    blockers: list[str]
    overdue: bool
    slipped_days: int
    offset: int  # calendar days from the roadmap start (timeline position)
    span: int  # calendar days covered


@dataclass
class RoadmapOverview:
    roadmap: Roadmap
    rows: list[TaskRow]
    start: date
    end: date
    planned_end: date
    done: int
    total: int
    overdue: int
    blocked_gates: list[TaskRow] = field(default_factory=list)

    @property
    def task_list(self) -> list[RoadmapTask]:
        return [row.task for row in self.rows]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def span_days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def slipped(self) -> int:
        return (self.end - self.planned_end).days

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.span_days)]


def roadmap_overview(
    roadmap: Roadmap, *, today: date | None = None, gates: GateReader | None = None
) -> RoadmapOverview:
    """The roadmap's rows, progress and closed gates. Pass a shared `gates` reader (and a
    roadmap whose tasks are prefetched) to build many overviews without a query each."""
    today = today or timezone.localdate()
    gates = gates or GateReader()
    prefetch_related_objects([roadmap], ROADMAP_TASKS)
    tasks = list(roadmap.tasks.all())
    project = roadmap.project
    start = min([roadmap.start_date, *(t.starts_on for t in tasks)])
    end = max([start, *(t.due_on for t in tasks)])
    rows = []
    for task in tasks:
        blockers = (
            gates.blockers(project, task.gate)
            if task.gate and task.status != RoadmapTask.Status.DONE
            else []
        )
        rows.append(
            TaskRow(
                task=task,
                blockers=blockers,
                overdue=task.is_overdue(today),
                slipped_days=(task.due_on - task.planned_due_on).days,
                offset=(task.starts_on - start).days,
                span=(task.due_on - task.starts_on).days + 1,
            )
        )
    return RoadmapOverview(
        roadmap=roadmap,
        rows=rows,
        start=start,
        end=end,
        planned_end=max([start, *(t.planned_due_on for t in tasks)]),
        done=sum(t.status == RoadmapTask.Status.DONE for t in tasks),
        total=len(tasks),
        overdue=sum(row.overdue for row in rows),
        blocked_gates=[row for row in rows if row.blockers],
    )


def project_roadmap(project: Project) -> Roadmap | None:
    return Roadmap.objects.filter(project=project).first()


def checklist_runs(project: Project) -> QuerySet[ChecklistRun]:
    return project.checklist_runs.annotate(
        open_items=Count("items", filter=Q(items__status=ChecklistItem.Status.OPEN)),
        failed_items=Count("items", filter=Q(items__status=ChecklistItem.Status.FAIL)),
        total_items=Count("items"),
    ).order_by("-created_at", "-id")


def open_debugging_runs() -> QuerySet[ChecklistRun]:
    """Debugging runs that still have open items."""
    return (
        ChecklistRun.objects.filter(template_slug=DEBUGGING_ORDER)
        .annotate(open_items=Count("items", filter=Q(items__status=ChecklistItem.Status.OPEN)))
        .filter(open_items__gt=0)
    )


def checklist_run_sections(run: ChecklistRun) -> list[tuple[str, list[ChecklistItem]]]:
    """Items grouped by section, in order, each flagged `locked` when an ordered run says
    an earlier step is still open."""
    sections: list[tuple[str, list[ChecklistItem]]] = []
    first_open_step = None
    for item in run.items.select_related("resolved_by"):
        if not sections or sections[-1][0] != item.section:
            sections.append((item.section, []))
        if item.status == ChecklistItem.Status.OPEN and first_open_step is None:
            first_open_step = item.step
        item.locked = run.ordered and first_open_step is not None and item.step > first_open_step
        sections[-1][1].append(item)
    return sections


STATUS_MARKS = {"open": "[ ]", "pass": "[x]", "fail": "[!]", "na": "[-]"}


def checklist_run_markdown(run: ChecklistRun) -> str:
    lines = [f"# {run.title}", "", f"Project: {run.project.name}  "]
    lines.append(f"Started: {run.created_at:%Y-%m-%d}")
    if run.ordered:
        lines.append("")
        lines.append("_Ordered: resolve each step before the next._")
    lines.append("")
    lines.append("Legend: [x] pass · [!] fail · [-] not applicable · [ ] open")
    for section, items in checklist_run_sections(run):
        lines += ["", f"## {section}", ""]
        for item in items:
            line = f"- {STATUS_MARKS[item.status]} {item.text}"
            if item.resolved_by:
                line += f" — {item.resolved_by.get_username()}, {item.resolved_at:%Y-%m-%d}"
            lines.append(line)
            if item.reason:
                lines.append(f"  - Not applicable because: {item.reason}")
            if item.finding:
                lines.append(f"  - Finding: {item.finding}")
            if item.evidence_url:
                lines.append(f"  - Evidence: <{item.evidence_url}>")
    return "\n".join(lines) + "\n"


def roadmap_ics(roadmap: Roadmap) -> bytes:
    """The roadmap's tasks as all-day events (iCalendar, RFC 5545)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Steward//Planner//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{roadmap.project.name} roadmap")
    stamp = timezone.now()
    url = f"{settings.SITE_URL}/planner/projects/{roadmap.project_id}/"
    for task in roadmap_tasks(roadmap):
        event = Event()
        event.add("uid", f"planner-task-{task.pk}@steward")
        event.add("dtstamp", stamp)
        event.add("summary", f"{task.title} ({task.get_status_display()})")
        event.add("dtstart", task.starts_on)
        # All-day events end on the day after the last day (exclusive).
        event.add("dtend", task.due_on + timedelta(days=1))
        event.add("description", task.description or task.title)
        event.add("url", url)
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def roadmap_by_calendar_token(token: str) -> Roadmap | None:
    return Roadmap.objects.select_related("project").filter(calendar_token=token).first()


def cost_estimates(project: Project) -> QuerySet[CostEstimate]:
    return project.cost_estimates.select_related("preset")


@dataclass
class ProjectSummary:
    project: Project
    overview: RoadmapOverview | None
    open_debugging: int
    latest_cost: CostEstimate | None


def planner_dashboard(projects: Iterable[Project]) -> list[ProjectSummary]:
    """Per project: roadmap progress and blocked gates, open debugging runs, latest cost.
    A fixed number of queries however many projects (gates: one per distinct linked record)."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    by_id = {p.pk: p for p in projects}
    roadmaps: dict[int, Roadmap] = {}
    for roadmap in Roadmap.objects.filter(project_id__in=ids).prefetch_related(ROADMAP_TASKS):
        roadmap.project = by_id[roadmap.project_id]
        roadmaps[roadmap.project_id] = roadmap
    debugging = dict(
        open_debugging_runs()
        .filter(project_id__in=ids)
        .values_list("project_id")
        .annotate(n=Count("id", distinct=True))
    )
    latest: dict[int, CostEstimate] = {
        estimate.project_id: estimate
        for estimate in CostEstimate.objects.filter(project_id__in=ids)
        .order_by("project_id", "-created_at", "-id")
        .distinct("project_id")
        if estimate.project_id is not None
    }
    gates = GateReader().prime(projects)
    return [
        ProjectSummary(
            project=p,
            overview=roadmap_overview(roadmaps[p.pk], gates=gates) if p.pk in roadmaps else None,
            open_debugging=debugging.get(p.pk, 0),
            latest_cost=latest.get(p.pk),
        )
        for p in projects
    ]


def dashboard_counts() -> dict[str, int]:
    today = timezone.localdate()
    open_tasks = RoadmapTask.objects.exclude(status=RoadmapTask.Status.DONE)
    gated = list(open_tasks.exclude(gate="").select_related("roadmap__project"))
    gates = GateReader().prime(task.roadmap.project for task in gated)
    blocked = sum(1 for task in gated if gates.blockers(task.roadmap.project, task.gate))
    return {
        "projects": Project.objects.exclude(status=Project.Status.DONE).count(),
        "overdue": open_tasks.filter(due_on__lt=today).count(),
        "blocked_gates": blocked,
        "open_debugging": open_debugging_runs().count(),
    }
