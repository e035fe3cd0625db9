"""Review pages: the annotator's queue, adjudication, dashboards and alerts (thin views)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    Column,
    Table,
    csv_cell,
    error_text,
    form_apply_error,
    is_htmx_partial,
    render_page,
    table_build,
    table_response,
)
from monitoring.review import selectors
from monitoring.review.exports import DASHBOARD_EXPORTS, chart_data
from monitoring.review.filtersets import AlertFilterSet, ReviewItemFilterSet
from monitoring.review.forms import AlertRuleForm, SamplingRuleForm
from monitoring.review.models import Alert, AlertRule, ReviewItem, SamplingRule
from monitoring.review.permissions import ACCESS
from monitoring.review.services import alerts as alert_services
from monitoring.review.services import claims, labels, rules

QUEUE_TEMPLATE = "review/queue.html"
# Rule tables share a page (and its query string): they show every rule, unpaged and unsorted.
RULES_PAGE_SIZE = 500
ADJUDICATION_COLUMNS = [
    Column(gettext_lazy("Item"), sort="id"),
    Column(gettext_lazy("Project"), sort="project"),
    Column(gettext_lazy("Reasons")),
    Column(gettext_lazy("Reviews"), sort="review_count"),
    Column(gettext_lazy("Queued"), sort="created_at"),
]
ALERT_COLUMNS = [
    Column(gettext_lazy("Fired"), sort="fired_at"),
    Column(gettext_lazy("Rule"), sort="rule__name"),
    Column(gettext_lazy("Status"), sort="status"),
    Column(gettext_lazy("Value"), sort="value"),
    Column(gettext_lazy("Message")),
    Column(""),
]
ALERT_RULE_COLUMNS = [
    Column(gettext_lazy("Name")),
    Column(gettext_lazy("Kind")),
    Column(gettext_lazy("Project")),
    Column(gettext_lazy("Threshold")),
    Column(gettext_lazy("Window")),
    Column(gettext_lazy("Channels")),
    Column(gettext_lazy("Open")),
]
SAMPLING_RULE_COLUMNS = [
    Column(gettext_lazy("Project")),
    Column(gettext_lazy("Model")),
    Column(gettext_lazy("Random rate")),
    Column(gettext_lazy("Daily cap")),
    Column(gettext_lazy("Low-confidence band")),
    Column(gettext_lazy("Two reviews")),
    Column(gettext_lazy("Guard shown")),
    Column(gettext_lazy("On")),
]


def _queue_context(request: AuthenticatedRequest, *, error: str = "") -> dict[str, Any]:
    lease = claims.review_claim(actor=request.user)
    context: dict[str, Any] = {"lease": lease, "error": error}
    if lease is not None:
        item = lease.item
        scan = selectors.item_latest_scan(item=item)
        context.update(
            item=item,
            categories=selectors.item_categories(item=item, scan=scan),
            shown=selectors.item_reviewer_view(item=item, scan=scan),
        )
    context["progress"] = selectors.annotator_progress(user=request.user)
    return context


@ACCESS.required("review")
@vary_on_headers("HX-Request")
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """One item at a time; the fragment `item` is what htmx swaps after submit or skip."""
    return render_page(request, QUEUE_TEMPLATE, _queue_context(request), partial="item")


@ACCESS.required("review")
@require_POST
def item_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    helpful = request.POST.get("helpful") or None
    error = ""
    try:
        labels.review_submit(
            actor=request.user,
            item_id=pk,
            verdict=request.POST.get("verdict", ""),
            categories=request.POST.getlist("categories"),
            helpful=int(helpful) if helpful and helpful.isdigit() else None,
            faithful=request.POST.get("faithful", ""),
            notes=request.POST.get("notes", ""),
        )
    except (ApplicationError, ValidationError) as exc:
        # A 400 keeps the same item (the caller's lease) on screen to fix the label; after a
        # 409 the next claim shows whatever comes next.
        error = error_text(exc)
    return _queue_response(request, _queue_context(request, error=error))


@ACCESS.required("review")
@require_POST
def item_skip(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    error = ""
    try:
        claims.review_skip(actor=request.user, item_id=pk)
    except ApplicationError as exc:
        error = error_text(exc)
    return _queue_response(request, _queue_context(request, error=error))


@ACCESS.required("review")
@require_POST
def item_renew(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        claims.review_lease_renew(actor=request.user, item_id=pk)
    except ApplicationError:
        return HttpResponse(status=409)
    return HttpResponse(status=204)


def _queue_response(request: AuthenticatedRequest, context: dict[str, Any]) -> HttpResponse:
    if is_htmx_partial(request):
        return render_page(request, QUEUE_TEMPLATE, context, partial="item")
    if context.get("error"):
        messages.error(request, context["error"])
    return redirect("review:queue")


# --- adjudication --------------------------------------------------------------------------


@ACCESS.required("adjudicate")
def adjudication(request: AuthenticatedRequest) -> HttpResponse:
    filterset = ReviewItemFilterSet(request.GET or None)
    table = table_build(
        request,
        selectors.adjudication_list(filters=request.GET),
        columns=ADJUDICATION_COLUMNS,
        row_template="review/_adjudication_row.html",
        empty=_("No disagreements waiting."),
    )
    context = {"table": table, "filterset": filterset}
    return table_response(request, "review/adjudication.html", context)


@ACCESS.required("adjudicate")
def adjudication_item(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ReviewItem.objects.select_related("output"), pk=pk)
    if item.status == ReviewItem.Status.OPEN:
        # Its reviews are still being collected blind: showing them here would let a Legal
        # reviewer read the other reviewers' labels before labelling the item themselves.
        raise Http404("This item is still in the review queue.")
    if request.method == "POST":
        try:
            labels.review_adjudicate(
                actor=request.user,
                item_id=item.pk,
                verdict=request.POST.get("verdict", ""),
                categories=request.POST.getlist("categories"),
                notes=request.POST.get("notes", ""),
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Final label saved."))
            return redirect("review:adjudication")
    scan = selectors.item_latest_scan(item=item)
    context = {
        "item": item,
        "reviews": selectors.item_reviews(item=item),
        "categories": selectors.item_categories(item=item, scan=scan),
        "scan": scan,
    }
    return render_page(request, "review/adjudication_item.html", context)


# --- dashboards ----------------------------------------------------------------------------


def _period(request: AuthenticatedRequest) -> selectors.Period:
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    # PostgreSQL text cannot hold NUL; no project name has one.
    project = request.GET.get("project", "").replace("\x00", "")
    return selectors.Period.last_days(days, project=project)


@ACCESS.required("view")
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    data = selectors.dashboard(period=_period(request))
    agreement = data["agreement"]
    data["daily"] = data["flow"].daily
    data["agreement_rows"] = [
        {"measure": "Cohen's kappa", **vars(agreement["kappa"])},
        {"measure": "Krippendorff's alpha", **vars(agreement["alpha"])},
    ]
    export = request.GET.get("export")
    if export in DASHBOARD_EXPORTS:
        key, columns = DASHBOARD_EXPORTS[export]
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="review-{export}.csv"'
        writer = csv.DictWriter(response, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in data[key]:
            writer.writerow({c: csv_cell(row.get(c)) for c in columns})
        return response
    data["chart"] = chart_data(data)
    data["days"] = (data["period"].end - data["period"].start).days + 1
    return render_page(request, "review/dashboard.html", data)


# --- alerts --------------------------------------------------------------------------------


@ACCESS.required("view")
def alerts(request: AuthenticatedRequest) -> HttpResponse:
    filters = request.GET.copy()
    export = filters.pop("export", None)
    if export == ["csv"]:
        return _alerts_csv(selectors.alert_list(filters=filters))
    can_configure = ACCESS.allows(request.user, "configure")
    table = table_build(
        request,
        selectors.alert_list(filters=filters),
        columns=ALERT_COLUMNS,
        row_template="review/_alert_row.html",
        empty=_("No alerts."),
        can_configure=can_configure,
    )
    context = {
        "table": table,
        "filterset": AlertFilterSet(filters or None),
        "rules_table": _alert_rules_table(request, can_configure=can_configure),
    }
    return table_response(request, "review/alerts.html", context)


def _alert_rules_table(request: AuthenticatedRequest, *, can_configure: bool) -> Table:
    return table_build(
        request,
        selectors.alert_rule_list(),
        columns=ALERT_RULE_COLUMNS,
        row_template="review/_alert_rule_row.html",
        empty=_("No alert rules yet."),
        table_id="alert-rules",
        page_size=RULES_PAGE_SIZE,
        filtered=False,
        can_configure=can_configure,
    )


def _alerts_csv(alerts: Iterable[Alert]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="review-alerts.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["fired_at", "rule", "kind", "status", "value", "message", "acknowledged_by", "resolved_at"]
    )
    for alert in alerts:
        row = [
            alert.fired_at.isoformat(),
            alert.rule.name,
            alert.rule.kind,
            alert.status,
            alert.value,
            alert.message,
            str(alert.acknowledged_by or ""),
            alert.resolved_at.isoformat() if alert.resolved_at else "",
        ]
        writer.writerow([csv_cell(value) for value in row])
    return response


@ACCESS.required("configure")
@require_POST
def alert_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    try:
        if action == "acknowledge":
            alert_services.alert_acknowledge(alert_id=pk, actor=request.user)
        else:
            alert_services.alert_resolve(alert_id=pk, actor=request.user)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        messages.error(request, error_text(exc))
    return redirect("review:alerts")


# --- rules ---------------------------------------------------------------------------------


@ACCESS.required("view")
def rules_page(request: AuthenticatedRequest) -> HttpResponse:
    can_configure = ACCESS.allows(request.user, "configure")
    sampling_table = table_build(
        request,
        selectors.sampling_rule_list(),
        columns=SAMPLING_RULE_COLUMNS,
        row_template="review/_sampling_rule_row.html",
        empty=_("No sampling rules: only flagged outputs are queued."),
        table_id="sampling-rules",
        page_size=RULES_PAGE_SIZE,
        filtered=False,
        can_configure=can_configure,
    )
    context = {
        "sampling_table": sampling_table,
        "alert_table": _alert_rules_table(request, can_configure=can_configure),
    }
    return render_page(request, "review/rules.html", context)


RULE_FORMS: dict[str, tuple[type[SamplingRule] | type[AlertRule], type[forms.ModelForm]]] = {
    "sampling": (SamplingRule, SamplingRuleForm),
    "alerts": (AlertRule, AlertRuleForm),
}


@ACCESS.required("configure")
def rule_edit(request: AuthenticatedRequest, kind: str, pk: int | None = None) -> HttpResponse:
    if kind not in RULE_FORMS:
        raise Http404("No such kind of rule.")
    model, form_class = RULE_FORMS[kind]
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        try:
            rules.rule_save(kind=kind, rule_id=pk, values=values, actor=request.user)
        except (ApplicationError, ValidationError) as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("review:rules")
    context = {"form": form, "kind": kind, "instance": instance}
    return render_page(request, "review/rule_form.html", context)
