"""Planner API routes under /api/v1/."""

from planner.api.views import (
    ChecklistItemViewSet,
    ChecklistRunViewSet,
    ChecklistTemplateViewSet,
    CostEstimateViewSet,
    PricePresetViewSet,
    ProjectViewSet,
    RoadmapTaskViewSet,
    RoadmapTemplateViewSet,
)

ROUTES = [
    ("projects", ProjectViewSet, "project"),
    ("roadmap-templates", RoadmapTemplateViewSet, "roadmap-template"),
    ("roadmap-tasks", RoadmapTaskViewSet, "roadmap-task"),
    ("checklist-templates", ChecklistTemplateViewSet, "checklist-template"),
    ("checklist-runs", ChecklistRunViewSet, "checklist-run"),
    ("checklist-items", ChecklistItemViewSet, "checklist-item"),
    ("price-presets", PricePresetViewSet, "price-preset"),
    ("cost-estimates", CostEstimateViewSet, "cost-estimate"),
]
