"""The governance landing page and Legal's review queue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.public import (
    AuthenticatedRequest,
    Column,
    Table,
    table_build,
)
from governance import selectors
from governance.permissions import ACCESS


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
