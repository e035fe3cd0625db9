"""Planner pages: thin views over planner services and selectors."""

from __future__ import annotations

import yaml
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    Column,
    audit_history,
    error_text,
    form_apply_error,
    is_htmx_partial,
    render_page,
    table_build,
    table_response,
)
from planner import selectors
from planner.advice import approach_advice
from planner.forms import (
    ChecklistItemForm,
    ChecklistStartForm,
    InferenceEstimateForm,
    PricePresetForm,
    ProjectForm,
    RoadmapInstantiateForm,
    TaskMoveForm,
    TaskOwnerForm,
    TaskStatusForm,
    TemplateCreateForm,
    TemplateEditForm,
    TrainingEstimateForm,
)
from planner.models import (
    ChecklistItem,
    ChecklistRun,
    PricePreset,
    Project,
    RoadmapTask,
    RoadmapTemplate,
)
from planner.permissions import ACCESS
from planner.services import checklists, costs, projects, roadmaps

PROJECT_COLUMNS = [
    Column(_("Project"), sort="name"),
    Column(_("Owner"), sort="owner__username"),
    Column(_("Roadmap")),
    Column(_("End"), sort="roadmap_end"),
    Column(_("Gates")),
    Column(_("Debugging")),
    Column(_("Latest cost")),
]


@ACCESS.required("view")
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    filterset = selectors.project_filterset(request.GET)
    projects = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = table_build(
        request,
        projects,
        columns=PROJECT_COLUMNS,
        row_template="planner/_project_row.html",
        empty=_("No projects yet."),
    )
    # Summaries (progress, gates, debugging, latest cost) for this page's rows only.
    table.page.object_list = selectors.planner_dashboard(table.page.object_list)
    context = {
        "table": table,
        "filterset": filterset,
        "counts": selectors.dashboard_counts(),
        "can_edit": ACCESS.allows(request.user, "edit"),
    }
    return table_response(request, "planner/index.html", context)


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, initial={"start_date": None})
    if request.method == "POST" and form.is_valid():
        try:
            project = projects.project_create(actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, f"Project “{project.name}” created.")
            return redirect("planner:project", pk=project.pk)
    return render_page(request, "planner/project_form.html", {"form": form, "project": None})


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            projects.project_update(project=project, actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, "Project saved.")
            return redirect("planner:project", pk=project.pk)
    return render_page(request, "planner/project_form.html", {"form": form, "project": project})


SUBLIST_SIZE = 200
RUN_COLUMNS = [Column(_("Checklist")), Column(_("Started")), Column(_("Open")), Column(_("Failed"))]
ESTIMATE_COLUMNS = [
    Column(_("Estimate")),
    Column(_("Inputs")),
    Column(_("Result")),
    Column(_("Cost")),
]


def _project_context(request: AuthenticatedRequest, project: Project, **extra) -> dict:
    roadmap = selectors.project_roadmap(project)
    return {
        "project": project,
        "advice": approach_advice(
            data_sensitivity=project.data_sensitivity, model_approach=project.model_approach
        ),
        "overview": selectors.roadmap_overview(roadmap) if roadmap else None,
        "instantiate_form": RoadmapInstantiateForm(
            initial={"template": "two-week-kickoff", "start_date": project.start_date}
        ),
        "checklist_form": ChecklistStartForm(initial={"template": "debugging-order"}),
        # Lists inside the project page: the shared table without sorting or filters (a
        # project has a handful of each), so they never compete for the page's query string.
        "runs": table_build(
            request,
            selectors.checklist_runs(project),
            columns=RUN_COLUMNS,
            row_template="planner/_checklist_run_row.html",
            empty=_("No checklist runs yet."),
            table_id="checklist-runs",
            page_size=SUBLIST_SIZE,
            filtered=False,
        ),
        "estimates": table_build(
            request,
            selectors.cost_estimates(project),
            columns=ESTIMATE_COLUMNS,
            row_template="planner/_estimate_row.html",
            empty=_("No estimates yet."),
            table_id="estimates",
            page_size=SUBLIST_SIZE,
            filtered=False,
        ),
        "training_form": TrainingEstimateForm(initial={"preset": "spot"}),
        "inference_form": InferenceEstimateForm(),
        "statuses": RoadmapTask.Status.choices,
        "owners": selectors.task_owner_choices(),
        "can_edit": ACCESS.allows(request.user, "edit"),
        "events": audit_history(project)[:10],
        **extra,
    }


@ACCESS.required("view")
@require_GET
def project_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("owner"), pk=pk)
    return render_page(request, "planner/project.html", _project_context(request, project))


@ACCESS.required("edit")
@require_POST
def roadmap_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = RoadmapInstantiateForm(request.POST)
    if form.is_valid():
        try:
            roadmaps.roadmap_instantiate(project=project, actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "Roadmap scheduled.")
    else:
        messages.error(
            request, " ".join(f"{k}: {e}" for k, errors in form.errors.items() for e in errors)
        )
    return redirect("planner:project", pk=project.pk)


def _roadmap_fragment(
    request: AuthenticatedRequest, task: RoadmapTask, error: str = ""
) -> HttpResponse:
    """The project page's roadmap section after a task change (or the whole page)."""
    if not is_htmx_partial(request):
        if error:
            messages.error(request, error)
        return redirect(reverse("planner:project", args=[task.roadmap.project_id]) + "#roadmap")
    project = task.roadmap.project
    context = _project_context(request, project, roadmap_error=error)
    return render_page(request, "planner/project.html", context, partial="roadmap")


@ACCESS.required("edit")
@require_POST
def task_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(RoadmapTask.objects.select_related("roadmap__project"), pk=pk)
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        return _roadmap_fragment(request, task, "Unknown status.")
    try:
        roadmaps.roadmap_task_update(task=task, actor=request.user, **form.cleaned_data)
    except (ApplicationError, ValidationError) as exc:
        return _roadmap_fragment(request, task, error_text(exc))
    return _roadmap_fragment(request, task)


@ACCESS.required("edit")
@require_POST
def task_owner(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(RoadmapTask.objects.select_related("roadmap__project"), pk=pk)
    form = TaskOwnerForm(request.POST)
    if not form.is_valid():
        return _roadmap_fragment(request, task, "Choose a PM as the owner.")
    roadmaps.roadmap_task_update(task=task, actor=request.user, owner=form.cleaned_data["owner"])
    return _roadmap_fragment(request, task)


@ACCESS.required("edit")
@require_POST
def task_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(RoadmapTask.objects.select_related("roadmap__project"), pk=pk)
    form = TaskMoveForm(request.POST)
    if not form.is_valid():
        return _roadmap_fragment(request, task, "Give a valid date.")
    changes = {name: value for name, value in form.cleaned_data.items() if value}
    try:
        _, shifted = roadmaps.roadmap_task_update(task=task, actor=request.user, **changes)
    except (ApplicationError, ValidationError) as exc:
        return _roadmap_fragment(request, task, error_text(exc))
    if shifted and not is_htmx_partial(request):
        messages.success(request, f"{len(shifted)} dependent task(s) moved with it.")
    return _roadmap_fragment(request, task)


@ACCESS.required("view")
@require_GET
def roadmap_ics(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    roadmap = selectors.project_roadmap(project)
    if roadmap is None:
        raise Http404("This project has no roadmap yet.")
    return _ics_response(roadmap, attachment=True)


@require_GET
def roadmap_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar subscription: the secret token in the URL stands in for a login."""
    roadmap = selectors.roadmap_by_calendar_token(token)
    if roadmap is None:
        raise Http404("No such calendar.")
    return _ics_response(roadmap, attachment=False)


def _ics_response(roadmap, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(selectors.roadmap_ics(roadmap), content_type="text/calendar")
    if attachment:
        filename = f"roadmap-{roadmap.project_id}.ics"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@ACCESS.required("edit")
@require_POST
def checklist_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = ChecklistStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a checklist.")
        return redirect("planner:project", pk=project.pk)
    run = checklists.checklist_run_start(
        project=project, template=form.cleaned_data["template"], actor=request.user
    )
    return redirect("planner:checklist", pk=run.pk)


def _checklist_context(request: AuthenticatedRequest, run: ChecklistRun, **extra) -> dict:
    sections = selectors.checklist_run_sections(run)
    items = [item for _, section_items in sections for item in section_items]
    return {
        "run": run,
        "sections": sections,
        "done": sum(item.status != ChecklistItem.Status.OPEN for item in items),
        "total": len(items),
        "statuses": ChecklistItem.Status.choices,
        "can_edit": ACCESS.allows(request.user, "edit"),
        **extra,
    }


@ACCESS.required("view")
@require_GET
def checklist_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ChecklistRun.objects.select_related("project"), pk=pk)
    return render_page(
        request, "planner/checklist.html", _checklist_context(request, run), partial="items"
    )


@ACCESS.required("edit")
@require_POST
def checklist_item_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem.objects.select_related("run__project"), pk=pk)
    form = ChecklistItemForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            checklists.checklist_item_resolve(item=item, actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            error = error_text(exc)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not is_htmx_partial(request):
        if error:
            messages.error(request, error)
        return redirect("planner:checklist", pk=item.run_id)
    context = _checklist_context(request, item.run, item_error=error, error_item=item.pk)
    return render_page(request, "planner/checklist.html", context, partial="items")


@ACCESS.required("view")
@require_GET
def checklist_markdown(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ChecklistRun.objects.select_related("project"), pk=pk)
    response = HttpResponse(
        selectors.checklist_run_markdown(run), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="checklist-{run.pk}.md"'
    return response


@ACCESS.required("edit")
@require_POST
def estimate_create(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form_class = TrainingEstimateForm if kind == "training" else InferenceEstimateForm
    form = form_class(request.POST)
    if form.is_valid():
        inputs = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            costs.cost_estimate_create(actor=request.user, kind=kind, project=project, **inputs)
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "Estimate saved.")
    else:
        messages.error(
            request, " ".join(f"{k}: {e}" for k, errors in form.errors.items() for e in errors)
        )
    return redirect(reverse("planner:project", args=[project.pk]) + "#costs")


TEMPLATE_COLUMNS = [
    Column(_("Template"), sort="name"),
    Column(_("Tasks"), sort="task_count"),
    Column(""),
]
PRESET_COLUMNS = [Column(_("Preset")), Column(_("Low")), Column(_("High"))]


@ACCESS.required("view")
@require_GET
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = selectors.roadmap_template_filterset(request.GET)
    templates = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    context = {
        "table": table_build(
            request,
            templates,
            columns=TEMPLATE_COLUMNS,
            row_template="planner/_template_row.html",
            empty=_("No roadmap templates."),
        ),
        "filterset": filterset,
        "presets": table_build(
            request,
            selectors.price_preset_list(),
            columns=PRESET_COLUMNS,
            row_template="planner/_preset_row.html",
            empty=_("No presets."),
            table_id="presets",
            filtered=False,
        ),
        "checklist_templates": selectors.checklist_template_list(),
        "can_edit": ACCESS.allows(request.user, "edit"),
    }
    return table_response(request, "planner/templates.html", context)


@ACCESS.required("view")
@require_http_methods(["GET", "POST"])
def template_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(RoadmapTemplate, pk=pk)
    form = None
    if not template.builtin and ACCESS.allows(request.user, "edit"):
        specs = roadmaps.template_task_specs(template)
        form = TemplateEditForm(
            request.POST or None,
            initial={
                "name": template.name,
                "description": template.description,
                "tasks": yaml.safe_dump(specs, sort_keys=False, allow_unicode=True),
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                roadmaps.roadmap_template_update(
                    template=template, actor=request.user, **form.cleaned_data
                )
            except (ApplicationError, ValidationError) as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, "Template saved.")
                return redirect("planner:template", pk=template.pk)
    elif request.method == "POST":
        ACCESS.require(request.user, "edit")
        messages.error(request, "Built-in templates are read-only: copy this one to edit it.")
        return redirect("planner:template", pk=template.pk)
    tasks = template.tasks.prefetch_related("depends_on")
    context = {"template": template, "tasks": tasks, "form": form}
    context["can_edit"] = ACCESS.allows(request.user, "edit")
    return render_page(request, "planner/template.html", context)


NEW_TEMPLATE_EXAMPLE = """\
- key: eval-set
  title: Build the evaluation set
  day: 1
  duration: 2
- key: baseline
  title: Prompted baseline
  day: 3
  depends_on: [eval-set]
"""


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def template_create(request: AuthenticatedRequest) -> HttpResponse:
    form = TemplateCreateForm(request.POST or None, initial={"tasks": NEW_TEMPLATE_EXAMPLE})
    if request.method == "POST" and form.is_valid():
        try:
            template = roadmaps.roadmap_template_create(actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, f"Template “{template.name}” created.")
            return redirect("planner:template", pk=template.pk)
    return render_page(request, "planner/template_new.html", {"form": form})


@ACCESS.required("edit")
@require_POST
def template_copy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(RoadmapTemplate, pk=pk)
    copy = roadmaps.roadmap_template_copy(template=template, actor=request.user)
    messages.success(request, f"Copied to “{copy.name}”: edit it below.")
    return redirect("planner:template", pk=copy.pk)


@ACCESS.required("edit")
@require_POST
def preset_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    preset = get_object_or_404(PricePreset, pk=pk)
    form = PricePresetForm(request.POST, instance=PricePreset.objects.get(pk=pk))
    if form.is_valid():
        try:
            costs.price_preset_update(preset=preset, actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"{preset.name}: price saved.")
    else:
        messages.error(request, "Give both prices as numbers.")
    return redirect(reverse("planner:templates") + "#presets")
