"""Planner pages for roadmap templates and GPU price presets."""

from __future__ import annotations

import yaml
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
    error_text,
    form_apply_error,
    render_page,
    table_build,
    table_response,
)
from planner import selectors
from planner.forms import (
    PricePresetForm,
    TemplateCreateForm,
    TemplateEditForm,
)
from planner.models import (
    PricePreset,
    RoadmapTemplate,
)
from planner.permissions import ACCESS
from planner.services import costs, roadmaps

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
