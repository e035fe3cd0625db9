"""Core API routes."""

from django.urls import path

from core.api.views import ApiTokenViewSet, AuditEventViewSet, MeView

ROUTES = [("tokens", ApiTokenViewSet, "token"), ("audit", AuditEventViewSet, "audit")]
urlpatterns = [path("me/", MeView.as_view(), name="api-me")]
