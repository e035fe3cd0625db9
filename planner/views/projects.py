"""Planner pages for projects: the dashboard list, the project form and page, its estimates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
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
    render_page,
    table_build,
    table_response,
)
from planner import selectors
from planner.advice import approach_advice
from planner.forms import (
    ChecklistStartForm,
    InferenceEstimateForm,
    ProjectForm,
    RoadmapInstantiateForm,
    TrainingEstimateForm,
)
from planner.models import (
    Project,
    RoadmapTask,
)
from planner.permissions import ACCESS
from planner.services import costs, projects

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
    matching = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = table_build(
        request,
        matching,
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


def project_context(
    request: AuthenticatedRequest, project: Project, **extra: Any
) -> dict[str, Any]:
    """What the project page shows; the roadmap views re-render its roadmap section with it."""
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
    return render_page(request, "planner/project.html", project_context(request, project))


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
