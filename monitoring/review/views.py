"""Review pages: the annotator's queue, adjudication, dashboards and alerts (thin views)."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from core.errors import ApplicationError
from core.htmx import is_htmx_partial, render_page
from monitoring.review import selectors, services
from monitoring.review.forms import AlertRuleForm, SamplingRuleForm
from monitoring.review.models import Alert, AlertRule, ReviewItem, SamplingRule
from monitoring.review.permissions import ACCESS

QUEUE_TEMPLATE = "review/queue.html"


def _queue_context(request: HttpRequest, *, error: str = "") -> dict:
    lease = services.review_claim(user=request.user)
    context: dict = {"lease": lease, "error": error}
    if lease is not None:
        item = lease.item
        context.update(
            item=item,
            categories=selectors.item_categories(item=item),
            show_guard=selectors.item_shows_guard(item=item),
            scan=selectors.item_latest_scan(item=item),
        )
    context["progress"] = selectors.annotator_progress(user=request.user)
    return context


@ACCESS.required("review")
@vary_on_headers("HX-Request")
def queue(request: HttpRequest) -> HttpResponse:
    """One item at a time; the fragment `item` is what htmx swaps after submit or skip."""
    return render_page(request, QUEUE_TEMPLATE, _queue_context(request), partial="item")


@ACCESS.required("review")
@require_POST
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    helpful = request.POST.get("helpful") or None
    error = ""
    try:
        services.review_submit(
            user=request.user,
            item_id=pk,
            verdict=request.POST.get("verdict", ""),
            categories=request.POST.getlist("categories"),
            helpful=int(helpful) if helpful and helpful.isdigit() else None,
            faithful=request.POST.get("faithful", ""),
            notes=request.POST.get("notes", ""),
        )
    except (ApplicationError, ValidationError) as exc:
        error = getattr(exc, "message", str(exc))
        if getattr(exc, "status_code", 400) == 400:
            # Keep the same item on screen so the annotator can fix the label.
            context = _queue_context(request, error=error)
            return _queue_response(request, context)
    return _queue_response(request, _queue_context(request, error=error))


@ACCESS.required("review")
@require_POST
def item_skip(request: HttpRequest, pk: int) -> HttpResponse:
    error = ""
    try:
        services.review_skip(user=request.user, item_id=pk)
    except ApplicationError as exc:
        error = exc.message
    return _queue_response(request, _queue_context(request, error=error))


@ACCESS.required("review")
@require_POST
def item_renew(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.review_lease_renew(user=request.user, item_id=pk)
    except ApplicationError:
        return HttpResponse(status=409)
    return HttpResponse(status=204)


def _queue_response(request: HttpRequest, context: dict) -> HttpResponse:
    if is_htmx_partial(request):
        return render_page(request, QUEUE_TEMPLATE, context, partial="item")
    if context.get("error"):
        messages.error(request, context["error"])
    return redirect("review:queue")


# --- adjudication --------------------------------------------------------------------------


@ACCESS.required("adjudicate")
def adjudication(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.adjudication_list(), 25).get_page(request.GET.get("page"))
    return render_page(request, "review/adjudication.html", {"page": page}, partial="list")


@ACCESS.required("adjudicate")
def adjudication_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ReviewItem.objects.select_related("output"), pk=pk)
    if item.status == ReviewItem.Status.OPEN:
        # Its reviews are still being collected blind: showing them here would let a Legal
        # reviewer read the other reviewers' labels before labelling the item themselves.
        raise Http404("This item is still in the review queue.")
    if request.method == "POST":
        try:
            services.review_adjudicate(
                user=request.user,
                item_id=item.pk,
                verdict=request.POST.get("verdict", ""),
                categories=request.POST.getlist("categories"),
                notes=request.POST.get("notes", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Final label saved.")
            return redirect("review:adjudication")
    context = {
        "item": item,
        "reviews": selectors.item_reviews(item=item),
        "categories": selectors.item_categories(item=item),
        "scan": selectors.item_latest_scan(item=item),
    }
    return render_page(request, "review/adjudication_item.html", context)


# --- dashboards ----------------------------------------------------------------------------

EXPORTS = {
    "unsafe_rate": (
        "series",
        [
            "day",
            "model_version",
            "scans",
            "guard_unsafe",
            "guard_rate",
            "guard_low",
            "guard_high",
            "labeled",
            "human_unsafe",
            "human_rate",
            "human_low",
            "human_high",
        ],
    ),
    "guard_quality": ("quality", ["category", "tp", "fp", "fn", "tn", "precision", "recall"]),
    "throughput": ("daily", ["day", "queued", "done", "reviews", "seconds"]),
    "annotators": ("annotators", ["annotator", "reviews", "seconds_per_review"]),
    "agreement": ("agreement_rows", ["measure", "value", "low", "high", "n"]),
}


def _period(request: HttpRequest) -> selectors.Period:
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    # PostgreSQL text cannot hold NUL; no project name has one.
    project = request.GET.get("project", "").replace("\x00", "")
    return selectors.Period.last_days(days, project=project)


@ACCESS.required("view")
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(period=_period(request))
    agreement = data["agreement"]
    data["daily"] = data["flow"].daily
    data["agreement_rows"] = [
        {"measure": "Cohen's kappa", **vars(agreement["kappa"])},
        {"measure": "Krippendorff's alpha", **vars(agreement["alpha"])},
    ]
    export = request.GET.get("export")
    if export in EXPORTS:
        key, columns = EXPORTS[export]
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="review-{export}.csv"'
        writer = csv.DictWriter(response, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in data[key]:
            writer.writerow({c: _csv_value(row.get(c)) for c in columns})
        return response
    data["chart"] = _chart_data(data)
    data["days"] = (data["period"].end - data["period"].start).days + 1
    return render_page(request, "review/dashboard.html", data)


def _csv_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        # Project names, versions and usernames come from outside: keep spreadsheets from
        # running them as formulas.
        return "'" + value
    return "" if value is None else value


def _chart_data(data: dict) -> dict:
    versions = sorted({row["model_version"] for row in data["series"]})
    days = sorted({row["day"].isoformat() for row in data["series"]})
    by_key = {(row["day"].isoformat(), row["model_version"]): row for row in data["series"]}
    return {
        "days": days,
        "unsafe": [
            {
                "label": f"{version} (guard)",
                "data": [(by_key.get((d, version)) or {}).get("guard_rate") for d in days],
                "low": [(by_key.get((d, version)) or {}).get("guard_low") for d in days],
                "high": [(by_key.get((d, version)) or {}).get("guard_high") for d in days],
            }
            for version in versions
        ]
        + [
            {
                "label": f"{version} (human, random sample)",
                "data": [(by_key.get((d, version)) or {}).get("human_rate") for d in days],
                "low": [(by_key.get((d, version)) or {}).get("human_low") for d in days],
                "high": [(by_key.get((d, version)) or {}).get("human_high") for d in days],
            }
            for version in versions
        ],
        "flow_days": [row["day"].isoformat() for row in data["daily"]],
        "queued": [row["queued"] for row in data["daily"]],
        "done": [row["done"] for row in data["daily"]],
    }


# --- alerts --------------------------------------------------------------------------------


@ACCESS.required("view")
def alerts(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Alert.Status.values:
        status = ""
    if request.GET.get("export") == "csv":
        return _alerts_csv(selectors.alert_list(status=status))
    page = Paginator(selectors.alert_list(status=status), 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": Alert.Status.choices,
        "rules": selectors.alert_rule_list(),
        "can_configure": ACCESS.allows(request.user, "configure"),
    }
    return render_page(request, "review/alerts.html", context, partial="list")


def _alerts_csv(alerts) -> HttpResponse:
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
        writer.writerow([_csv_value(value) for value in row])
    return response


@ACCESS.required("configure")
@require_POST
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    try:
        if action == "acknowledge":
            services.alert_acknowledge(alert=alert, user=request.user)
        else:
            services.alert_resolve(alert=alert, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("review:alerts")


# --- rules ---------------------------------------------------------------------------------


@ACCESS.required("view")
def rules(request: HttpRequest) -> HttpResponse:
    context = {
        "sampling_rules": SamplingRule.objects.all(),
        "alert_rules": selectors.alert_rule_list(),
        "can_configure": ACCESS.allows(request.user, "configure"),
    }
    return render_page(request, "review/rules.html", context)


RULE_FORMS = {"sampling": (SamplingRule, SamplingRuleForm), "alerts": (AlertRule, AlertRuleForm)}


@ACCESS.required("configure")
def rule_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    if kind not in RULE_FORMS:
        raise Http404("No such kind of rule.")
    model, form_class = RULE_FORMS[kind]
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.rule_save(form=form, actor=request.user)
        messages.success(request, "Rule saved.")
        return redirect("review:rules")
    context = {"form": form, "kind": kind, "instance": instance}
    return render_page(request, "review/rule_form.html", context)
