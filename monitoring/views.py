"""Monitoring pages: thin views over monitoring services and selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.public import (
    AuthenticatedRequest,
    Column,
    audit_history,
    render_page,
    table_build,
    table_response,
)
from monitoring.filtersets import OutputFilterSet
from monitoring.hooks import review_states
from monitoring.models import GuardScan, ModelOutput
from monitoring.permissions import ACCESS
from monitoring.records import ReviewState
from monitoring.selectors import (
    POLICY_RULE,
    guard_status,
    output_get,
    output_latest_scan,
    output_list,
    scan_policy_version_for_project,
    scan_policy_versions,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class OutputRow:
    """One row of the outputs table: the output, its newest scan, where it stands in review."""

    output: ModelOutput
    scan: GuardScan | None
    review: ReviewState | None


OUTPUT_COLUMNS = [
    Column(_("Received"), sort="received_at"),
    Column(_("Output"), sort="external_id"),
    Column(_("Model"), sort="model"),
    Column(_("Verdict")),
    Column(_("P(unsafe)")),
    Column(_("Categories")),
    Column(_("Review")),
]


@ACCESS.required("view")
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The outputs overview: every pushed output with its verdict, filterable."""
    filterset = OutputFilterSet(request.GET or None, queryset=output_list())
    table = table_build(
        request,
        filterset.qs,
        columns=OUTPUT_COLUMNS,
        row_template="monitoring/_output_row.html",
        empty=format_html(
            "{} <code>POST /api/v1/outputs/bulk/</code> {}",
            _("No outputs yet. Pipelines push them with"),
            _("(Pipeline role)."),
        ),
        table_id="outputs",
        default_sort="-received_at",
        page_size=PAGE_SIZE,
    )
    outputs = list(table.page.object_list)
    states = review_states([output.pk for output in outputs])
    table.page.object_list = [
        OutputRow(output, output_latest_scan(output), states.get(output.pk)) for output in outputs
    ]
    context = {
        "table": table,
        "filterset": filterset,
        "guard": guard_status(),
        "policy_rule": POLICY_RULE,
    }
    return table_response(request, "monitoring/index.html", context)


@ACCESS.required("view")
def output_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    output = output_get(output_id=pk)
    if output is None:
        raise Http404("No such output")
    scans = list(output.scans.all())
    refs = scan_policy_versions(scans)
    context = {
        "output": output,
        "scan": scans[0] if scans else None,
        "scans": scans,
        "scan_rows": [(scan, refs.get(scan.policy_version_id or 0)) for scan in scans],
        "review": review_states([output.pk]).get(output.pk),
        "policy_version": scan_policy_version_for_project(output.project),
        "policy_rule": POLICY_RULE,
        "guard": guard_status(),
        "events": audit_history(output),
    }
    return render_page(request, "monitoring/output_detail.html", context)
