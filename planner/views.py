"""Planner pages: thin views over planner services and selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planner.permissions import ACCESS


@ACCESS.required("view")
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "planner/index.html")
