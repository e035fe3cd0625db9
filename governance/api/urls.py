"""Governance API routes under /api/v1/."""

from governance.api.views import DatasetViewSet, LicenseViewSet, TrainingMixViewSet

ROUTES = [
    ("licenses", LicenseViewSet, "license"),
    ("datasets", DatasetViewSet, "dataset"),
    ("training-mixes", TrainingMixViewSet, "training-mix"),
]
urlpatterns: list = []
