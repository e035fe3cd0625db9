"""Review-queue pages: thin views over review services and selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitoring.review.permissions import ACCESS


@ACCESS.required("review")
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "review/queue.html")
