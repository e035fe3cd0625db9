"""Core API: who am I, API tokens (create shows the secret once; revoke) and the audit log."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import (
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    AuditEventSerializer,
    MeSerializer,
)
from core.filtersets import ApiTokenFilterSet, AuditEventFilterSet
from core.models import ApiToken, AuditEvent
from core.permissions import ACCESS
from core.roles import Role, user_has_role
from core.services import api_token_create, api_token_revoke


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own tokens; an Admin sees, filters (`user`, `active`) and revokes every
    user's tokens."""

    serializer_class = ApiTokenSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiTokenFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
        if user_has_role(self.request.user, Role.ADMIN):
            return tokens
        return tokens.filter(user_id=self.request.user.pk or 0)

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={
            201: inline_serializer(
                "NewToken", {"token": serializers.CharField(), "id": serializers.IntegerField()}
            )
        },
    )
    def create(self, request):  # the only way in: the secret is shown here once
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = dict(data.validated_data)
        token, raw = api_token_create(user=request.user, actor=request.user, **options)
        body = ApiTokenSerializer(token).data | {"token": raw}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = api_token_revoke(token=self.get_object(), actor=request.user)
        return Response(ApiTokenSerializer(token).data)


class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who changed what, when (Legal and Admin). Filter with `object_type` (e.g. `dataset`,
    `training_mix`, `policy`, `project`) and `object_id`, `actor`, `action`, `since`, `until`."""

    serializer_class = AuditEventSerializer
    permission_classes = [ACCESS.permission(read="audit")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilterSet
    queryset = AuditEvent.objects.select_related("actor", "target_type").order_by(
        "-created_at", "-id"
    )
