"""One list component for every list page: filters, sorting, pagination and the empty state.

A view builds a `Table` from a queryset (already filtered by the model's one FilterSet) and
renders its page; the page includes `htmx/list.html`, which draws the filter form from the
FilterSet and the table from `htmx/table.html`. The filter form, the sort links and the pager
all swap the table's own element (`outerHTML`), so a filtered table can never be nested inside
the old one.

    table = table_build(request, filterset.qs, columns=[...], row_template="...", empty=_("..."))
    return table_response(request, "governance/dataset_list.html", {"table": table, ...})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, QuerySet, TextField
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from core.htmx import is_htmx_partial

DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    """A table column: its header and, when sortable, the ORM path it sorts by."""

    label: Any
    sort: str | None = None
    css: str = ""


@dataclass(frozen=True)
class HeaderCell:
    label: Any
    css: str
    sortable: bool
    query: str
    direction: str  # "ascending", "descending" or "" (aria-sort)


@dataclass
class Table:
    id: str
    columns: Sequence[Column]
    page: Page
    row_template: str
    empty: Any
    sort: str
    query: QueryDict
    filtered: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def header(self) -> list[HeaderCell]:
        cells = []
        for column in self.columns:
            direction = ""
            query = ""
            if column.sort:
                if self.sort == column.sort:
                    direction, next_sort = "ascending", f"-{column.sort}"
                elif self.sort == f"-{column.sort}":
                    direction, next_sort = "descending", column.sort
                else:
                    next_sort = column.sort
                params = self.query.copy()
                params["sort"] = next_sort
                params.pop("page", None)
                query = params.urlencode()
            cells.append(HeaderCell(column.label, column.css, bool(column.sort), query, direction))
        return cells

    def page_query(self, number: int) -> str:
        params = self.query.copy()
        params["page"] = str(number)
        return params.urlencode()

    @property
    def previous_query(self) -> str:
        return self.page_query(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_query(self) -> str:
        return self.page_query(self.page.next_page_number()) if self.page.has_next() else ""


def _is_text(queryset: QuerySet, path: str) -> bool:
    model = queryset.model
    try:
        for part in path.split("__"):
            model_field = model._meta.get_field(part)
            if model_field.related_model is not None:
                model = model_field.related_model
    except Exception:  # an annotation or an unknown path: sort it as it is
        return False
    return isinstance(model_field, (CharField, TextField))


def table_sort(queryset: QuerySet, sort: str, columns: Sequence[Column]) -> QuerySet:
    """Order by `sort` ("field" or "-field") when a column allows it; text sorts ignore case."""
    allowed = {column.sort for column in columns if column.sort}
    path = sort.removeprefix("-")
    if path not in allowed:
        return queryset
    expression: Any = Lower(path) if _is_text(queryset, path) else F(path)
    ordered = expression.desc(nulls_last=True) if sort.startswith("-") else expression.asc()
    return queryset.order_by(ordered, "-pk" if sort.startswith("-") else "pk")


def table_build(
    request: HttpRequest,
    queryset: QuerySet | Sequence[Any],
    *,
    columns: Sequence[Column],
    row_template: str,
    empty: Any,
    table_id: str = "results",
    default_sort: str = "",
    page_size: int = DEFAULT_PAGE_SIZE,
    filtered: bool | None = None,
    **extra: Any,
) -> Table:
    query = request.GET.copy()
    for key in list(query):
        if "\x00" in key or any("\x00" in value for value in query.getlist(key)):
            query.pop(key)
    sort = query.get("sort", "") or default_sort
    if isinstance(queryset, QuerySet):
        queryset = table_sort(queryset, sort, columns)
        if not queryset.ordered:  # a stable order, or pages could repeat or skip rows
            queryset = queryset.order_by("pk")
    page = Paginator(queryset, page_size).get_page(query.get("page"))
    if filtered is None:
        filtered = any(value for key, value in query.items() if key not in ("page", "sort"))
    return Table(
        id=table_id,
        columns=columns,
        page=page,
        row_template=row_template,
        empty=empty,
        sort=sort,
        query=query,
        filtered=filtered,
        extra=extra,
    )


def table_response(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    table_key: str = "table",
) -> HttpResponse:
    """The whole page, or only the table when htmx asks for it (filter, sort, page)."""
    table: Table = context[table_key]
    target = getattr(getattr(request, "htmx", None), "target", None)
    if is_htmx_partial(request) and target == table.id:
        response = render(request, "htmx/table.html", {**context, "table": table})
    else:
        response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response
