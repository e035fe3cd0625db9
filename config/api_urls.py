"""`/api/v1/`: every app's routes under one browsable root.

An app contributes `<app>/api/urls.py` with `ROUTES` (prefix, viewset, basename) for the
router and `urlpatterns` for anything else (workflow endpoints that are not viewsets).
"""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter

from core.registry import steward_modules

router = DefaultRouter()
router.root_view_name = "api-root"
extra_urlpatterns: list[URLPattern | URLResolver] = []
for module in steward_modules("api.urls"):
    for prefix, viewset, basename in getattr(module, "ROUTES", ()):
        router.register(prefix, viewset, basename=basename)
    extra_urlpatterns += getattr(module, "urlpatterns", [])

urlpatterns = extra_urlpatterns + router.urls
