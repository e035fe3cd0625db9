"""Monitoring routes on /api/v1/."""

from monitoring.api.views import OutputViewSet

ROUTES = [("outputs", OutputViewSet, "output")]
urlpatterns: list = []
