"""Request types for views behind a login: the user is a `User`, and django-htmx's details
are attached by its middleware."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedRequest(HttpRequest):
    """What a view decorated with a login or access check receives."""

    user: User  # narrowed from User | AnonymousUser by the login check
    htmx: HtmxDetails
