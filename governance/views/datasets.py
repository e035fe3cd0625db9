"""Dataset inventory pages: the list, the form, review decisions, card and CSV import, export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
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
from governance.filtersets import DatasetFilterSet
from governance.forms import (
    CardImportForm,
    CsvImportForm,
    DatasetForm,
    DecisionForm,
)
from governance.models import Dataset
from governance.permissions import ACCESS


def _dataset_or_404(pk: int) -> Dataset:
    dataset = selectors.dataset_get(pk)
    if dataset is None:
        raise Http404("No such dataset.")
    return dataset


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
