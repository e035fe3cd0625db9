"""Outputs API: push one or many (Pipeline), read them back with their latest scan."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from core.public import error_body
from monitoring.api.parsers import OutputsJSONParser
from monitoring.api.serializers import (
    BulkRequestSerializer,
    BulkResponseSerializer,
    OutputItemSerializer,
    OutputSerializer,
)
from monitoring.filtersets import OutputFilterSet
from monitoring.hooks import review_states
from monitoring.ingest import MAX_BODY_BYTES, MAX_ITEMS
from monitoring.models import ModelOutput
from monitoring.permissions import ACCESS
from monitoring.selectors import output_latest_scan, output_list, scan_policy_versions
from monitoring.services.ingest import CREATED, ERROR, output_create, outputs_ingest


def _actor(request: Request) -> User:
    # The permission class admits only signed-in users holding the ingest role.
    return cast(User, request.user)


def _too_large(detail: str) -> Response:
    return Response(
        error_body("too_large", detail), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    )


def _body_too_large(request: Request) -> Response | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ParseError("Invalid Content-Length header.") from None
    if length > MAX_BODY_BYTES:
        return _too_large(f"The body is {length} bytes; the limit is {MAX_BODY_BYTES} (5 MB).")
    return None


class OutputViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Model outputs with their latest guard scan."""

    serializer_class = OutputSerializer
    filterset_class = OutputFilterSet
    parser_classes = [OutputsJSONParser]
    search_fields: list[str] = []
    ordering_fields = ["received_at", "id"]
    permission_classes = [
        ACCESS.permission(read="read", write="ingest", create="ingest", bulk="ingest")
    ]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ModelOutput.objects.none()
        return output_list()

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        outputs = list(page if page is not None else queryset)
        latest = [scan for output in outputs if (scan := output_latest_scan(output))]
        context = {
            **self.get_serializer_context(),
            "policy_versions": scan_policy_versions(latest),
            "review_states": review_states([output.pk for output in outputs]),
        }
        data = OutputSerializer(outputs, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        request=OutputItemSerializer,
        responses={
            201: OutputSerializer,
            200: OpenApiResponse(OutputSerializer, description="Already stored (a re-send)"),
            413: OpenApiResponse(description="Body over 5 MB"),
        },
    )
    def create(self, request: Request) -> Response:
        if (refused := _body_too_large(request)) is not None:
            return refused
        output, created = output_create(item=request.data, actor=_actor(request))
        output = output_list().get(pk=output.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(OutputSerializer(output).data, status=code)

    @extend_schema(
        request=BulkRequestSerializer,
        responses={
            200: BulkResponseSerializer,
            413: OpenApiResponse(description=f"Over {MAX_ITEMS} items or 5 MB"),
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        """Push up to 1,000 outputs; each item is answered: created, duplicate or error."""
        if (refused := _body_too_large(request)) is not None:
            return refused
        data = request.data
        items = data.get("items") if isinstance(data, dict) else data
        if not isinstance(items, list):
            return Response(
                error_body("invalid", 'Send {"items": [...]} (or a JSON list of items).'),
                status=status.HTTP_400_BAD_REQUEST,
            )
        if len(items) > MAX_ITEMS:
            return _too_large(f"{len(items)} items; the limit is {MAX_ITEMS} per request.")
        results = outputs_ingest(items=items, actor=_actor(request))
        counts = {CREATED: 0, "duplicate": 0, ERROR: 0}
        for result in results:
            counts[result.status] += 1
        body = {
            "created": counts[CREATED],
            "duplicates": counts["duplicate"],
            "errors": counts[ERROR],
            "results": [vars(result) for result in results],
        }
        return Response(body, status=status.HTTP_200_OK)
