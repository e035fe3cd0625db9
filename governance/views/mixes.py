"""Training-mix pages: the list, the live builder, the detail with NOTICE, the review steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    Column,
    PermissionDenied,
    audit_history,
    error_text,
    form_apply_error,
    table_build,
    table_response,
)
from governance import selectors
from governance.filtersets import TrainingMixFilterSet
from governance.forms import (
    MixForm,
)
from governance.mixes import reviews as mix_reviews
from governance.mixes import services as mix_services
from governance.mixes.weights import DEFAULT_WEIGHT, WeightInvalid, mix_weight_clean
from governance.models import Dataset, TrainingMix
from governance.permissions import ACCESS


def _mix_or_404(pk: int) -> TrainingMix:
    mix = selectors.training_mix_get(pk)
    if mix is None:
        raise Http404("No such training mix.")
    return mix


@ACCESS.required("view")
def mix_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = TrainingMixFilterSet(request.GET, queryset=selectors.training_mix_list())
    table = table_build(
        request,
        filterset.qs,
        columns=[
            Column(_("Mix"), sort="name"),
            Column(_("Datasets"), sort="component_count"),
            Column(_("Status"), sort="status"),
            Column(_("Updated"), sort="updated_at"),
        ],
        row_template="governance/_mix_row.html",
        empty=_("No training mix yet."),
        default_sort="name",
    )
    return table_response(
        request,
        "governance/mix_list.html",
        {"table": table, "filterset": filterset, "can_edit": ACCESS.allows(request.user, "edit")},
    )


def _builder_rows(request: AuthenticatedRequest) -> tuple[list[dict[str, Any]], list[str]]:
    """Components posted by the builder: parallel `dataset` / `weight` lists, plus add/remove."""
    ids = request.POST.getlist("dataset")
    weights = request.POST.getlist("weight")
    remove = request.POST.get("remove", "")
    errors: list[str] = []
    rows: list[dict[str, Any]] = []
    for dataset_id, weight in zip(ids, weights, strict=False):
        if dataset_id == remove:
            continue
        rows.append({"dataset": dataset_id, "weight": weight})
    added = request.POST.get("add_dataset", "")
    if added and added not in ids:
        rows.append({"dataset": added, "weight": request.POST.get("add_weight") or "1"})
    datasets = Dataset.objects.in_bulk([r["dataset"] for r in rows if str(r["dataset"]).isdigit()])
    resolved = []
    for row in rows:
        dataset = datasets.get(int(row["dataset"])) if str(row["dataset"]).isdigit() else None
        if dataset is None:
            errors.append(_("A dataset in the mix no longer exists."))
            continue
        try:
            clean_weight = mix_weight_clean(row["weight"])
        except WeightInvalid as exc:
            errors.append(f"{dataset.name}: {exc}")
            clean_weight = DEFAULT_WEIGHT
        resolved.append({"dataset": dataset, "weight": clean_weight})
    return resolved, errors


def _builder_context(rows: list[dict[str, Any]], errors: list[str]) -> dict[str, Any]:
    in_mix = {row["dataset"].pk for row in rows}
    verdict = selectors.training_mix_preview([(row["dataset"], row["weight"]) for row in rows])
    return {
        "rows": [row | {"share": verdict.shares.get(row["dataset"].name, 0)} for row in rows],
        "mix_verdict": verdict,
        "verdict": verdict.verdict,
        "builder_errors": errors,
        "available": Dataset.objects.exclude(pk__in=in_mix).order_by("name"),
    }


@ACCESS.required("edit")
@require_POST
def mix_preview(request: AuthenticatedRequest) -> HttpResponse:
    """The builder's fragment (components and live verdict) for the posted components."""
    rows, errors = _builder_rows(request)
    return render(request, "governance/mix_form.html#builder", _builder_context(rows, errors))


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def mix_create(request: AuthenticatedRequest) -> HttpResponse:
    return _mix_form(request, None)


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def mix_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _mix_form(request, _mix_or_404(pk))


def _mix_form(request: AuthenticatedRequest, mix: TrainingMix | None) -> HttpResponse:
    if request.method == "POST":
        form = MixForm(request.POST)
        rows, errors = _builder_rows(request)
        if form.is_valid() and not errors:
            components = [{"dataset": r["dataset"], "weight": r["weight"]} for r in rows]
            try:
                if mix is None:
                    mix = mix_services.training_mix_create(
                        actor=request.user, components=components, **form.cleaned_data
                    )
                else:
                    mix = mix_services.training_mix_update(
                        actor=request.user, mix=mix, components=components, **form.cleaned_data
                    )
            except (ApplicationError, ValidationError) as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, f"The training mix '{mix.name}' was saved.")
                return redirect(mix.get_absolute_url())
    else:
        initial = {"name": mix.name, "description": mix.description} if mix else {}
        form = MixForm(initial=initial)
        rows = (
            [{"dataset": c.dataset, "weight": c.weight} for c in mix.components.all()]
            if mix
            else []
        )
        errors = []
    context = {"form": form, "mix": mix, **_builder_context(rows, errors)}
    return render(request, "governance/mix_form.html", context)


@ACCESS.required("view")
def mix_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mix = _mix_or_404(pk)
    verdict = selectors.training_mix_verdict(mix)
    components = selectors.training_mix_components(mix)
    return render(
        request,
        "governance/mix_detail.html",
        {
            "mix": mix,
            "rows": [
                {
                    "dataset": c.dataset,
                    "weight": c.weight,
                    "share": verdict.shares.get(c.dataset.name),
                }
                for c in components
            ],
            "mix_verdict": verdict,
            "verdict": verdict.verdict,
            "blockers": selectors.training_mix_blockers(mix, verdict=verdict),
            "events": audit_history(mix)[:50],
            "can_edit": ACCESS.allows(request.user, "edit"),
            "can_review": ACCESS.allows(request.user, "review"),
        },
    )


@ACCESS.required("view")
def mix_notice(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mix = _mix_or_404(pk)
    response = HttpResponse(
        selectors.training_mix_notice(mix), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="NOTICE-{mix.pk}.md"'
    return response


@ACCESS.required("edit")
@require_POST
def mix_workflow(request: AuthenticatedRequest, pk: int, step: str) -> HttpResponse:
    mix = _mix_or_404(pk)
    note = request.POST.get("note", "")
    try:
        if step == "submit":
            mix = mix_reviews.training_mix_submit(actor=request.user, mix=mix, note=note)
        elif step == "approve":
            mix = mix_reviews.training_mix_approve(actor=request.user, mix=mix, note=note)
        elif step == "reject":
            mix = mix_reviews.training_mix_reject(actor=request.user, mix=mix, note=note)
        else:
            raise Http404("No such step.")
    except PermissionDenied:
        raise
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"'{mix.name}' is now {mix.get_status_display().lower()}.")
    return redirect(mix.get_absolute_url())
