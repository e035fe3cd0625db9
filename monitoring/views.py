"""Monitoring pages: thin views over monitoring services and selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitoring.permissions import ACCESS


@ACCESS.required("view")
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/index.html")
