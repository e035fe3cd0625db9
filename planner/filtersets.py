"""FilterSets shared by the planner's lists and API."""

import django_filters

from planner.models import ChecklistItem, ChecklistRun, CostEstimate, Project, RoadmapTask


class ProjectFilterSet(django_filters.FilterSet):
    class Meta:
        model = Project
        fields = ["status", "data_sensitivity", "model_approach", "owner"]


class RoadmapTaskFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="roadmap__project")

    class Meta:
        model = RoadmapTask
        fields = ["roadmap", "project", "status", "gate"]


class ChecklistRunFilterSet(django_filters.FilterSet):
    template = django_filters.CharFilter(field_name="template_slug")

    class Meta:
        model = ChecklistRun
        fields = ["project", "template"]


class ChecklistItemFilterSet(django_filters.FilterSet):
    class Meta:
        model = ChecklistItem
        fields = ["run", "status"]


class CostEstimateFilterSet(django_filters.FilterSet):
    class Meta:
        model = CostEstimate
        fields = ["project", "kind"]
