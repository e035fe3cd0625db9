"""Governance API: thin viewsets over the governance services and selectors."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.public import NotFoundError, PermissionDenied
from governance import selectors
from governance.api.serializers import (
    CardImportSerializer,
    CsvImportResultSerializer,
    CsvImportSerializer,
    DatasetApproveSerializer,
    DatasetRejectSerializer,
    DatasetSerializer,
    DatasetSubmitSerializer,
    DecisionSerializer,
    LicenseOverrideSerializer,
    LicenseSerializer,
    TrainingMixSerializer,
)
from governance.datasets import imports as dataset_imports
from governance.datasets import reviews as dataset_reviews
from governance.datasets import services as dataset_services
from governance.filtersets import DatasetFilterSet, LicenseFilterSet, TrainingMixFilterSet
from governance.licenses import services as license_services
from governance.mixes import reviews as mix_reviews
from governance.mixes import services as mix_services
from governance.models import Dataset, License, TrainingMix
from governance.permissions import ACCESS


def _actor(request: Request) -> User:
    """The signed-in user (every governance endpoint's permission class refuses anyone else)."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user


REVIEW_ACTIONS = {"approve": "review", "reject": "review", "override": "review"}


class LicenseViewSet(viewsets.ReadOnlyModelViewSet):
    """The license catalog; Legal may override the facts of a license."""

    serializer_class = LicenseSerializer
    permission_classes = [ACCESS.permission(read="view", write="edit", **REVIEW_ACTIONS)]
    lookup_field = "spdx_id"
    lookup_value_regex = "[^/]+"
    filterset_class = LicenseFilterSet
    search_fields = ["spdx_id", "name"]
    ordering_fields = ["spdx_id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return License.objects.none()
        return selectors.license_list()

    def get_object(self):
        spdx_id = self.kwargs[self.lookup_field]
        license_obj = selectors.license_get(spdx_id)
        if license_obj is None:
            raise NotFoundError(f"No license {spdx_id} in the catalog.")
        self.check_object_permissions(self.request, license_obj)
        return license_obj

    @extend_schema(request=LicenseOverrideSerializer, responses=LicenseSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, spdx_id=None):
        data = LicenseOverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        facts = dict(data.validated_data)
        reason = facts.pop("reason")
        license_obj = license_services.license_override(
            actor=_actor(request), license=self.get_object(), reason=reason, **facts
        )
        return Response(LicenseSerializer(license_obj).data)


class DatasetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The dataset inventory; every dataset carries its license verdict."""

    serializer_class = DatasetSerializer
    permission_classes = [ACCESS.permission(read="view", write="edit", **REVIEW_ACTIONS)]
    filterset_class = DatasetFilterSet
    search_fields = ["name", "hub_id", "license_expression"]
    ordering_fields = ["name", "updated_at", "next_review_date"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Dataset.objects.none()
        return selectors.dataset_list()

    def perform_create(self, serializer):
        serializer.instance = dataset_services.dataset_create(
            actor=_actor(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = dataset_services.dataset_update(
            actor=_actor(self.request), dataset=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        dataset_services.dataset_delete(actor=_actor(self.request), dataset=instance)

    @extend_schema(request=DatasetSubmitSerializer, responses=DatasetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = DatasetSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = dataset_reviews.dataset_submit(
            actor=_actor(request), dataset=self.get_object(), **data.validated_data
        )
        return Response(DatasetSerializer(dataset).data)

    @extend_schema(request=DatasetApproveSerializer, responses=DatasetSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = DatasetApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = dataset_reviews.dataset_approve(
            actor=_actor(request), dataset=self.get_object(), **data.validated_data
        )
        return Response(DatasetSerializer(dataset).data)

    @extend_schema(request=DatasetRejectSerializer, responses=DatasetSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = DatasetRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = dataset_reviews.dataset_reject(
            actor=_actor(request), dataset=self.get_object(), **data.validated_data
        )
        return Response(DatasetSerializer(dataset).data)

    @extend_schema(request=CardImportSerializer, responses={201: DatasetSerializer})
    @action(detail=False, methods=["post"], url_path="import-card")
    def import_card(self, request):
        data = CardImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = dataset_imports.dataset_import_card(actor=_actor(request), **data.validated_data)
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CsvImportSerializer, responses=CsvImportResultSerializer)
    @action(detail=False, methods=["post"], url_path="import-csv")
    def import_csv(self, request):
        data = CsvImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = dataset_imports.datasets_import_csv(
            actor=_actor(request), text=data.validated_data["csv"]
        )
        return Response(result)

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")}
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request):
        datasets = self.filter_queryset(self.get_queryset())
        response = HttpResponse(
            selectors.datasets_csv_export(datasets), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="datasets.csv"'
        return response


class TrainingMixViewSet(viewsets.ModelViewSet):
    """Training mixes: datasets with weights, the aggregated verdict, conflicts and NOTICE."""

    serializer_class = TrainingMixSerializer
    permission_classes = [ACCESS.permission(read="view", write="edit", **REVIEW_ACTIONS)]
    filterset_class = TrainingMixFilterSet
    search_fields = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TrainingMix.objects.none()
        return (
            selectors.training_mix_list()
            .select_related("reviewer")
            .prefetch_related("components__dataset")
        )

    def _components(self, serializer):
        components = serializer.validated_data.pop("components", None)
        if components is None:
            return None
        return [{"dataset": c["dataset"], "weight": c["weight"]} for c in components]

    def perform_create(self, serializer):
        components = self._components(serializer) or []
        serializer.instance = mix_services.training_mix_create(
            actor=_actor(self.request), components=components, **serializer.validated_data
        )

    def perform_update(self, serializer):
        components = self._components(serializer)
        serializer.instance = mix_services.training_mix_update(
            actor=_actor(self.request),
            mix=serializer.instance,
            components=components,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance):
        mix_services.training_mix_delete(actor=_actor(self.request), mix=instance)

    @extend_schema(
        responses={
            (200, "text/markdown"): OpenApiResponse(OpenApiTypes.STR, description="NOTICE.md")
        }
    )
    @action(detail=True, methods=["get"])
    def notice(self, request, pk=None):
        mix = self.get_object()
        response = HttpResponse(
            selectors.training_mix_notice(mix), content_type="text/markdown; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="NOTICE-{mix.pk}.md"'
        return response

    @extend_schema(request=DecisionSerializer, responses=TrainingMixSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mix = mix_reviews.training_mix_submit(
            actor=_actor(request), mix=self.get_object(), **data.validated_data
        )
        return Response(TrainingMixSerializer(mix).data)

    @extend_schema(request=DecisionSerializer, responses=TrainingMixSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mix = mix_reviews.training_mix_approve(
            actor=_actor(request), mix=self.get_object(), **data.validated_data
        )
        return Response(TrainingMixSerializer(mix).data)

    @extend_schema(request=DatasetRejectSerializer, responses=TrainingMixSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = DatasetRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mix = mix_reviews.training_mix_reject(
            actor=_actor(request), mix=self.get_object(), **data.validated_data
        )
        return Response(TrainingMixSerializer(mix).data)
