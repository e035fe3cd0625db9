"""Planner pages for checklist runs: starting one, resolving items, the Markdown export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
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
    ChecklistItemForm,
    ChecklistStartForm,
)
from planner.models import (
    ChecklistItem,
    ChecklistRun,
    Project,
)
from planner.permissions import ACCESS
from planner.services import checklists


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


def _checklist_context(
    request: AuthenticatedRequest, run: ChecklistRun, **extra: Any
) -> dict[str, Any]:
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
