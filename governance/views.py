"""Governance pages: thin views over governance services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    Column,
    InvalidInput,
    PermissionDenied,
    Table,
    audit_history,
    error_text,
    form_apply_error,
    table_build,
    table_response,
)
from governance import selectors
from governance.datasets import imports as dataset_imports
from governance.datasets import reviews as dataset_reviews
from governance.datasets import services as dataset_services
from governance.filtersets import DatasetFilterSet, LicenseFilterSet, TrainingMixFilterSet
from governance.forms import (
    CardImportForm,
    CsvImportForm,
    DatasetForm,
    DecisionForm,
    LicenseOverrideForm,
    MixForm,
)
from governance.licenses import services as license_services
from governance.mixes import reviews as mix_reviews
from governance.mixes import services as mix_services
from governance.mixes.weights import DEFAULT_WEIGHT, WeightInvalid, mix_weight_clean
from governance.models import Dataset, License, TrainingMix
from governance.permissions import ACCESS


def _dataset_or_404(pk: int) -> Dataset:
    dataset = selectors.dataset_get(pk)
    if dataset is None:
        raise Http404("No such dataset.")
    return dataset


def _mix_or_404(pk: int) -> TrainingMix:
    mix = selectors.training_mix_get(pk)
    if mix is None:
        raise Http404("No such training mix.")
    return mix


@ACCESS.required("view")
def index(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "governance/index.html",
        {
            "counts": selectors.inventory_counts(),
            "recent": selectors.dataset_list().order_by("-updated_at")[:8],
        },
    )


# --- licenses --------------------------------------------------------------------------------


@ACCESS.required("view")
def license_list(request: AuthenticatedRequest) -> HttpResponse:
    data = request.GET.copy()
    # The page opens on the curated licenses; the API (same FilterSet) lists all by default.
    data.setdefault("scope", LicenseFilterSet.SCOPE_CURATED)
    filterset = LicenseFilterSet(data, queryset=selectors.license_list())
    table = table_build(
        request,
        filterset.qs,
        columns=[
            Column(_("SPDX id"), sort="spdx_id"),
            Column(_("Name"), sort="name"),
            Column(_("Use"), sort="use_class"),
            Column(_("Attribution")),
            Column(_("Share-alike")),
            Column(_("No derivatives")),
            Column(_("Review"), sort="needs_legal_review"),
        ],
        row_template="governance/_license_row.html",
        empty=_("No license matches."),
    )
    return table_response(
        request, "governance/license_list.html", {"table": table, "filterset": filterset}
    )


@ACCESS.required("view")
@require_http_methods(["GET", "POST"])
def license_detail(request: AuthenticatedRequest, spdx_id: str) -> HttpResponse:
    license_obj = selectors.license_get(spdx_id)
    if license_obj is None:
        raise Http404("No such license in the catalog.")
    can_override = ACCESS.allows(request.user, "review")
    form = LicenseOverrideForm(instance=license_obj, prefix="override")
    if request.method == "POST":
        if not can_override:
            raise PermissionDenied("Only Legal may override license facts.")
        before = License.objects.get(pk=license_obj.pk)
        form = LicenseOverrideForm(request.POST, instance=before, prefix="override")
        if form.is_valid():
            facts = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                license_services.license_override(
                    actor=request.user,
                    license=License.objects.get(pk=license_obj.pk),
                    reason=form.cleaned_data["reason"],
                    **facts,
                )
            except (ApplicationError, ValidationError) as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, f"The facts of {license_obj.spdx_id} were overridden.")
                return redirect(license_obj.get_absolute_url())
    return render(
        request,
        "governance/license_detail.html",
        {
            "license": license_obj,
            "form": form,
            "can_override": can_override,
            "datasets": selectors.licenses_used_by(license_obj)[:50],
            "events": audit_history(license_obj)[:50],
        },
    )


# --- datasets --------------------------------------------------------------------------------


@ACCESS.required("view")
def dataset_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = DatasetFilterSet(request.GET, queryset=selectors.dataset_list())
    table = table_build(
        request,
        filterset.qs,
        columns=[
            Column(_("Dataset"), sort="name"),
            Column(_("License"), sort="license_expression"),
            Column(_("Commercial use"), sort="commercial_use"),
            Column(_("Review"), sort="needs_legal_review"),
            Column(_("Status"), sort="status"),
            Column(_("Next review"), sort="next_review_date"),
            Column(_("Steward"), sort="steward__username"),
        ],
        row_template="governance/_dataset_row.html",
        empty=_("No datasets yet."),
        default_sort="name",
    )
    return table_response(
        request,
        "governance/dataset_list.html",
        {"table": table, "filterset": filterset, "can_edit": ACCESS.allows(request.user, "edit")},
    )


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def dataset_create(request: AuthenticatedRequest) -> HttpResponse:
    form = DatasetForm(request.POST or None, initial={"steward": request.user})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            dataset = dataset_services.dataset_create(
                actor=request.user, name=data.pop("name"), **data
            )
        except (ApplicationError, ValidationError) as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, f"'{dataset.name}' was added as a draft.")
            return redirect(dataset.get_absolute_url())
    return render(request, "governance/dataset_form.html", {"form": form, "dataset": None})


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def dataset_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dataset = _dataset_or_404(pk)
    form = DatasetForm(request.POST or None, instance=Dataset.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            dataset = dataset_services.dataset_update(
                actor=request.user, dataset=dataset, **form.cleaned_data
            )
        except (ApplicationError, ValidationError) as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, f"'{dataset.name}' was saved.")
            return redirect(dataset.get_absolute_url())
    return render(request, "governance/dataset_form.html", {"form": form, "dataset": dataset})


@ACCESS.required("view")
def dataset_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dataset = _dataset_or_404(pk)
    return render(request, "governance/dataset_detail.html", _dataset_context(request, dataset))


def _dataset_context(
    request: AuthenticatedRequest, dataset: Dataset, **extra: Any
) -> dict[str, Any]:
    return {
        "dataset": dataset,
        "verdict": selectors.dataset_verdict(dataset),
        "events": audit_history(dataset)[:50],
        "mixes": dataset.mixes.all(),
        "can_edit": ACCESS.allows(request.user, "edit"),
        "can_review": ACCESS.allows(request.user, "review"),
        "decision_form": extra.pop("decision_form", None) or DecisionForm(),
        **extra,
    }


@ACCESS.required("edit")
@require_POST
def dataset_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dataset = _dataset_or_404(pk)
    try:
        dataset = dataset_reviews.dataset_submit(
            actor=request.user, dataset=dataset, note=request.POST.get("note", "")
        )
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"'{dataset.name}' was sent to legal review.")
    return redirect(dataset.get_absolute_url())


@ACCESS.required("review")
@require_POST
def dataset_decide(request: AuthenticatedRequest, pk: int, decision: str) -> HttpResponse:
    dataset = _dataset_or_404(pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if decision == "approve":
                dataset = dataset_reviews.dataset_approve(
                    actor=request.user,
                    dataset=dataset,
                    note=data["note"],
                    conditions=data["conditions"],
                    next_review_date=data["next_review_date"],
                )
            else:
                dataset = dataset_reviews.dataset_reject(
                    actor=request.user, dataset=dataset, note=data["note"]
                )
        except (InvalidInput, ValidationError) as exc:
            form_apply_error(form, exc)
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
            return redirect(dataset.get_absolute_url())
        else:
            messages.success(
                request, f"'{dataset.name}' is now {dataset.get_status_display().lower()}."
            )
            next_url = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = dataset.get_absolute_url()
            return redirect(next_url)
    context = _dataset_context(request, dataset, decision_form=form)
    return render(request, "governance/dataset_detail.html", context, status=400)


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def dataset_import_card(request: AuthenticatedRequest) -> HttpResponse:
    form = CardImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = dataset_imports.dataset_import_card(
                actor=request.user,
                card=form.cleaned_data["card"],
                hub_id=form.cleaned_data["hub_id"],
            )
        except (ApplicationError, ValidationError) as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, f"'{dataset.name}' was imported as a draft.")
            return redirect(dataset.get_absolute_url())
    return render(request, "governance/import_card.html", {"form": form})


@ACCESS.required("edit")
@require_http_methods(["GET", "POST"])
def dataset_import_csv(request: AuthenticatedRequest) -> HttpResponse:
    form = CsvImportForm(request.POST or None, request.FILES or None)
    bad_rows: list[dict] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data["csv_file"].read().decode("utf-8")
            result = dataset_imports.datasets_import_csv(actor=request.user, text=text)
        except UnicodeDecodeError:
            # Decoding with replacement would import names with "�" in them.
            form.add_error("csv_file", "The file is not UTF-8 text: save it as CSV UTF-8.")
            status = 400
        except ApplicationError as exc:
            bad_rows = exc.extra.get("rows", [])
            form.add_error(None, exc.message if not bad_rows else "Nothing was imported.")
            status = 400
        else:
            messages.success(
                request, f"Imported: {result['created']} new, {result['updated']} updated."
            )
            return redirect("governance:dataset_list")
    return render(
        request,
        "governance/import_csv.html",
        {"form": form, "bad_rows": bad_rows},
        status=status,
    )


@ACCESS.required("view")
def dataset_export_csv(request: AuthenticatedRequest) -> HttpResponse:
    datasets = selectors.dataset_list(filters=request.GET)
    response = HttpResponse(
        selectors.datasets_csv_export(datasets), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="datasets.csv"'
    return response


@ACCESS.required("view")
def review_queue(request: AuthenticatedRequest) -> HttpResponse:
    """Legal's work: three short tables (each the shared component, unsorted, 100 a page)."""

    def queue(
        queryset: QuerySet[Any], table_id: str, columns: list[Column], row: str, empty: str
    ) -> Table:
        return table_build(
            request,
            queryset,
            columns=columns,
            row_template=f"governance/_queue_{row}_row.html",
            empty=empty,
            table_id=table_id,
            page_size=100,
            filtered=False,
        )

    awaiting = queue(
        selectors.datasets_awaiting_review().select_related("steward"),
        "awaiting-table",
        [
            Column(_("Dataset")),
            Column(_("License")),
            Column(_("Commercial use")),
            Column(_("Steward")),
            Column(_("Submitted")),
        ],
        "awaiting",
        _("Nothing is waiting for legal review."),
    )
    overdue = queue(
        selectors.datasets_overdue_review().select_related("steward"),
        "overdue-table",
        [
            Column(_("Dataset")),
            Column(_("Status")),
            Column(_("Review was due")),
            Column(_("Steward")),
        ],
        "overdue",
        _("No review is overdue."),
    )
    mixes = queue(
        selectors.training_mixes_awaiting_review(),
        "mixes-table",
        [Column(_("Training mix")), Column(_("Datasets")), Column(_("Submitted"))],
        "mix",
        _("No training mix is waiting for legal review."),
    )
    return render(
        request,
        "governance/review_queue.html",
        {
            "awaiting": awaiting,
            "overdue": overdue,
            "mixes": mixes,
            "can_review": ACCESS.allows(request.user, "review"),
        },
    )


# --- training mixes --------------------------------------------------------------------------


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
