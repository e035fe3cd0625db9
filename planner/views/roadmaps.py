"""Planner pages for a project's roadmap: scheduling it, changing tasks, calendar exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    error_text,
    is_htmx_partial,
    render_page,
)
from planner import selectors
from planner.forms import (
    RoadmapInstantiateForm,
    TaskMoveForm,
    TaskOwnerForm,
    TaskStatusForm,
)
from planner.models import (
    Project,
    Roadmap,
    RoadmapTask,
)
from planner.permissions import ACCESS
from planner.services import roadmaps
from planner.views.projects import project_context


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
    context = project_context(request, project, roadmap_error=error)
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


def _ics_response(roadmap: Roadmap, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(selectors.roadmap_ics(roadmap), content_type="text/calendar")
    if attachment:
        filename = f"roadmap-{roadmap.project_id}.ics"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
