"""Render a page or, for an htmx request, just one of its `{% partialdef %}` fragments."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def render_page(
    request: HttpRequest,
    template: str,
    context: dict | None = None,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if partial and is_htmx_partial(request):
        template = f"{template}#{partial}"
    return render(request, template, context or {}, status=status)
