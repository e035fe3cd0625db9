"""Governance pages: thin views over governance services and selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from governance.permissions import ACCESS


@ACCESS.required("view")
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/index.html")
