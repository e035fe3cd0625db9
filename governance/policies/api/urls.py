"""Policies API routes."""

from governance.policies.api.views import PolicyViewSet

ROUTES = [("policies", PolicyViewSet, "policy")]
urlpatterns: list = []
