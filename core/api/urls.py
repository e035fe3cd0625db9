"""Core API routes."""

from django.urls import path

from core.api.views import ApiTokenViewSet, MeView

ROUTES = [("tokens", ApiTokenViewSet, "token")]
urlpatterns = [path("me/", MeView.as_view(), name="api-me")]
