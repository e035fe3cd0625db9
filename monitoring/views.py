"""Monitoring pages: thin views over monitoring services and selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse

from core.public import audit_history, render_page
from monitoring.filtersets import OutputFilterSet
from monitoring.models import GuardScan
from monitoring.permissions import ACCESS
from monitoring.selectors import (
    POLICY_RULE,
    guard_status,
    output_filter_choices,
    output_get,
    output_list,
    scan_policy_version_for_project,
    scan_policy_versions,
)

PAGE_SIZE = 50


@ACCESS.required("view")
def index(request: HttpRequest) -> HttpResponse:
    """The outputs overview: every pushed output with its verdict, filterable."""
    filterset = OutputFilterSet(request.GET or None)
    outputs = output_list(filters=request.GET)
    page = Paginator(outputs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filterset": filterset,
        "choices": output_filter_choices(),
        "verdicts": [*GuardScan.Verdict.choices, ("pending", "Not scanned yet")],
        "guard": guard_status(),
        "policy_rule": POLICY_RULE,
        "filtered": any(request.GET.get(name) for name in filterset.filters),
    }
    return render_page(request, "monitoring/index.html", context, partial="outputs")


@ACCESS.required("view")
def output_detail(request: HttpRequest, pk: int) -> HttpResponse:
    output = output_get(output_id=pk)
    if output is None:
        raise Http404("No such output")
    scans = list(output.scans.all())
    refs = scan_policy_versions(scans)
    for scan in scans:
        scan.policy_ref = refs.get(scan.policy_version_id)  # type: ignore[attr-defined]
    context = {
        "output": output,
        "scan": scans[0] if scans else None,
        "scans": scans,
        "review_item": getattr(output, "review_item", None),
        "policy_version": scan_policy_version_for_project(output.project),
        "policy_rule": POLICY_RULE,
        "guard": guard_status(),
        "events": audit_history(output),
    }
    return render_page(request, "monitoring/output_detail.html", context)
