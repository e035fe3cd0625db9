"""Policy pages: thin views over policy services and selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from governance.policies.permissions import ACCESS


@ACCESS.required("view")
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "policies/index.html")
