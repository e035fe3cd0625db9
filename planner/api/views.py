"""Planner API: projects and their roadmaps, templates, tasks, checklists, cost estimates."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.public import NotFoundError
from planner import selectors
from planner.api.serializers import (
    ChecklistItemSerializer,
    ChecklistRunCreateSerializer,
    ChecklistRunSerializer,
    ChecklistTemplateSerializer,
    CostEstimateSerializer,
    PricePresetSerializer,
    ProjectSerializer,
    RoadmapCreateSerializer,
    RoadmapSerializer,
    RoadmapTaskChangeSerializer,
    RoadmapTaskSerializer,
    RoadmapTaskSlipSerializer,
    RoadmapTemplateCopySerializer,
    RoadmapTemplateSerializer,
)
from planner.filtersets import (
    ChecklistItemFilterSet,
    ChecklistRunFilterSet,
    CostEstimateFilterSet,
    ProjectFilterSet,
    RoadmapTaskFilterSet,
    RoadmapTemplateFilterSet,
)
from planner.models import (
    ChecklistItem,
    ChecklistRun,
    ChecklistTemplate,
    CostEstimate,
    PricePreset,
    Project,
    RoadmapTask,
    RoadmapTemplate,
)
from planner.permissions import ACCESS
from planner.services import checklists, costs, projects, roadmaps

PERMISSIONS = [ACCESS.permission(read="view", write="edit")]


def request_actor(request: Request) -> User:
    """The signed-in user acting: PERMISSIONS has refused anonymous requests already."""
    return cast(User, request.user)


class ProjectViewSet(viewsets.ModelViewSet):
    """LLM projects. `GET/POST projects/{id}/roadmap/` reads or instantiates the roadmap."""

    serializer_class = ProjectSerializer
    permission_classes = PERMISSIONS
    # `search` is the FilterSet's (the page's rule: every word in the name or use case).
    filterset_class = ProjectFilterSet
    ordering_fields = ["name", "start_date", "created_at"]

    def get_queryset(self):
        return Project.objects.select_related("owner")

    def perform_create(self, serializer):
        serializer.instance = projects.project_create(
            actor=request_actor(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = projects.project_update(
            project=serializer.instance,
            actor=request_actor(self.request),
            **serializer.validated_data,
        )

    @extend_schema(
        methods=["GET"], responses={200: RoadmapSerializer, 404: OpenApiResponse(description="")}
    )
    @extend_schema(
        methods=["POST"],
        request=RoadmapCreateSerializer,
        responses={201: RoadmapSerializer, 409: OpenApiResponse(description="Already planned")},
    )
    @action(detail=True, methods=["get", "post"])
    def roadmap(self, request: Request, pk=None) -> Response:
        project = self.get_object()
        if request.method == "POST":
            data = RoadmapCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            template = selectors.roadmap_template_get(data.validated_data["template"])
            if template is None:
                raise NotFoundError(f"No roadmap template “{data.validated_data['template']}”.")
            roadmap = roadmaps.roadmap_instantiate(
                project=project,
                template=template,
                start_date=data.validated_data["start_date"],
                holiday_country=data.validated_data["holiday_country"],
                actor=request_actor(request),
            )
            body = RoadmapSerializer(
                selectors.roadmap_overview(roadmap), context={"request": request}
            ).data
            return Response(body, status=status.HTTP_201_CREATED)
        existing = selectors.project_roadmap(project)
        if existing is None:
            raise NotFoundError("This project has no roadmap yet.")
        overview = selectors.roadmap_overview(existing)
        return Response(RoadmapSerializer(overview, context={"request": request}).data)


def _task_specs(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **{k: v for k, v in task.items() if k != "dependency_keys"},
            "depends_on": task.get("dependency_keys", []),
        }
        for task in tasks
    ]


class RoadmapTemplateViewSet(viewsets.ModelViewSet):
    """Roadmap templates; built-in ones are read-only, `copy` makes an editable one."""

    serializer_class = RoadmapTemplateSerializer
    permission_classes = PERMISSIONS
    filterset_class = RoadmapTemplateFilterSet

    def get_queryset(self):
        return RoadmapTemplate.objects.prefetch_related("tasks__depends_on")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = roadmaps.roadmap_template_create(
            actor=request_actor(self.request), tasks=_task_specs(data.pop("tasks")), **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = roadmaps.roadmap_template_update(
            template=serializer.instance,
            actor=request_actor(self.request),
            tasks=_task_specs(data.pop("tasks")) if "tasks" in data else None,
            **data,
        )

    def perform_destroy(self, instance):
        roadmaps.roadmap_template_delete(template=instance, actor=request_actor(self.request))

    @extend_schema(
        request=RoadmapTemplateCopySerializer, responses={201: RoadmapTemplateSerializer}
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk=None) -> Response:
        data = RoadmapTemplateCopySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = roadmaps.roadmap_template_copy(
            template=self.get_object(), actor=request_actor(request), **data.validated_data
        )
        return Response(RoadmapTemplateSerializer(copy).data, status=status.HTTP_201_CREATED)


class RoadmapTaskViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Roadmap tasks. PATCH changes status, owner or dates; a gate can refuse with 409."""

    serializer_class = RoadmapTaskSerializer
    permission_classes = PERMISSIONS
    filterset_class = RoadmapTaskFilterSet
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return RoadmapTask.objects.select_related("owner", "roadmap__project").prefetch_related(
            "depends_on"
        )

    def _change_response(self, task, shifted) -> Response:
        overview = selectors.roadmap_overview(task.roadmap)
        body = RoadmapTaskChangeSerializer(
            {"task": task, "shifted": shifted, "end_date": overview.end}
        ).data
        return Response(body)

    @extend_schema(
        request=RoadmapTaskSerializer,
        responses={
            200: RoadmapTaskChangeSerializer,
            409: OpenApiResponse(description="A gate is closed; `blockers` says why"),
        },
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        task = self.get_object()
        data = RoadmapTaskSerializer(task, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        task, shifted = roadmaps.roadmap_task_update(
            task=task, actor=request_actor(request), **data.validated_data
        )
        return self._change_response(task, shifted)

    @extend_schema(request=RoadmapTaskSlipSerializer, responses={200: RoadmapTaskChangeSerializer})
    @action(detail=True, methods=["post"])
    def slip(self, request: Request, pk=None) -> Response:
        """The task runs late by some business days; its dependents follow."""
        data = RoadmapTaskSlipSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task, shifted = roadmaps.roadmap_task_slip(
            task=self.get_object(), actor=request_actor(request), **data.validated_data
        )
        return self._change_response(task, shifted)


class ChecklistTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ChecklistTemplateSerializer
    permission_classes = PERMISSIONS
    search_fields = ["name", "slug"]

    def get_queryset(self):
        return ChecklistTemplate.objects.prefetch_related("sections__items")


class ChecklistRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Checklist runs on a project; `markdown` exports one."""

    serializer_class = ChecklistRunSerializer
    permission_classes = PERMISSIONS
    filterset_class = ChecklistRunFilterSet

    def get_queryset(self):
        return ChecklistRun.objects.prefetch_related("items__resolved_by")

    @extend_schema(request=ChecklistRunCreateSerializer, responses={201: ChecklistRunSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = ChecklistRunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = selectors.checklist_template_get(data.validated_data["template"])
        if template is None:
            raise NotFoundError(f"No checklist template “{data.validated_data['template']}”.")
        run = checklists.checklist_run_start(
            project=data.validated_data["project"],
            template=template,
            title=data.validated_data["title"],
            actor=request_actor(request),
        )
        return Response(ChecklistRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "text/markdown"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def markdown(self, request: Request, pk=None) -> HttpResponse:
        run = self.get_object()
        response = HttpResponse(
            selectors.checklist_run_markdown(run), content_type="text/markdown; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="checklist-{run.pk}.md"'
        return response


class ChecklistItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Checklist items: PATCH resolves one (ordered runs refuse out-of-order steps with 409)."""

    serializer_class = ChecklistItemSerializer
    permission_classes = PERMISSIONS
    filterset_class = ChecklistItemFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return ChecklistItem.objects.select_related("resolved_by")

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        item = self.get_object()
        data = ChecklistItemSerializer(item, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {
            "status": item.status,
            "reason": item.reason,
            "finding": item.finding,
            "evidence_url": item.evidence_url,
        }
        values.update(data.validated_data)
        item = checklists.checklist_item_resolve(item=item, actor=request_actor(request), **values)
        return Response(ChecklistItemSerializer(item).data)


class PricePresetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PricePresetSerializer
    permission_classes = PERMISSIONS
    http_method_names = ["get", "patch", "head", "options"]
    queryset = PricePreset.objects.all()

    def perform_update(self, serializer):
        preset = serializer.instance
        data = serializer.validated_data
        serializer.instance = costs.price_preset_update(
            preset=preset,
            actor=request_actor(self.request),
            price_low=data.get("price_low", preset.price_low),
            price_high=data.get("price_high", preset.price_high),
            name=data.get("name", ""),
        )


class CostEstimateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Training (time and cost) and inference (monthly) estimates, saved per project."""

    serializer_class = CostEstimateSerializer
    permission_classes = PERMISSIONS
    filterset_class = CostEstimateFilterSet

    def get_queryset(self):
        return CostEstimate.objects.select_related("preset")

    def perform_create(self, serializer):
        serializer.instance = costs.cost_estimate_create(
            actor=request_actor(self.request), **serializer.validated_data
        )
