"""Policies API: CRUD, workflow verbs on the latest version, versions, preview, attestations."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.public import NotFoundError
from governance.policies import selectors, workflow
from governance.policies.api.serializers import (
    AttestationSerializer,
    AttestationStatusSerializer,
    DiffInputSerializer,
    DiffSerializer,
    GuardPromptInputSerializer,
    GuardPromptSerializer,
    PolicyCreateSerializer,
    PolicySerializer,
    PublishedPolicySerializer,
    TransitionInputSerializer,
    VersionSerializer,
    VersionUpdateSerializer,
)
from governance.policies.filtersets import PolicyFilterSet
from governance.policies.models import Policy, PolicyVersion
from governance.policies.permissions import ACCESS
from governance.policies.services import attestations, policies
from governance.policies.services import versions as version_services
from governance.policies.services import workflow as workflow_services

VERSIONS = Prefetch(
    "versions", queryset=PolicyVersion.objects.prefetch_related("categories", "exceptions")
)


def _version_detail(version: PolicyVersion) -> dict:
    version = (
        PolicyVersion.objects.prefetch_related("categories", "exceptions", "transitions__actor")
        .select_related("created_by")
        .get(pk=version.pk)
    )
    return VersionSerializer(version).data


class PolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Red-line policies. Categories live in versions; the verbs act on the latest version."""

    serializer_class = PolicySerializer
    filterset_class = PolicyFilterSet
    search_fields = ["name", "slug", "description"]
    ordering_fields = ["name", "next_review_on", "created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [
        ACCESS.permission(
            read="view",
            write="edit",
            # Each workflow verb needs the rule the workflow table gives it.
            **{step.verb: step.rule for step in workflow.TRANSITIONS},
            published="read_published",
            guard_prompt="read_published",
            attest="attest",
            attestations="publish",
        )
    ]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Policy.objects.none()
        return selectors.policy_list().prefetch_related("approvers", "versions")

    def _policy(self) -> Policy:
        return self.get_object()

    @extend_schema(request=PolicyCreateSerializer, responses={201: PolicySerializer})
    def create(self, request):
        data = PolicyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        policy = policies.policy_create(actor=request.user, **values)
        return Response(
            PolicySerializer(self.get_queryset().get(pk=policy.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, pk=None):
        policy = self._policy()
        data = PolicySerializer(policy, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        approvers = values.pop("approvers", None)
        policies.policy_update(actor=request.user, policy=policy, approvers=approvers, **values)
        return Response(PolicySerializer(self.get_queryset().get(pk=policy.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, pk=None):
        policies.policy_delete(actor=request.user, policy=self._policy())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"], request=None, responses=VersionSerializer(many=True), operation_id=None
    )
    @extend_schema(
        methods=["POST"],
        request=TransitionInputSerializer,
        responses={201: VersionSerializer},
        description="Start a draft from the latest version (or return the open draft).",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        policy = self._policy()
        if request.method == "POST":
            data = TransitionInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            draft = version_services.version_draft_start(
                actor=request.user, policy=policy, summary=data.validated_data["note"]
            )
            return Response(_version_detail(draft), status=status.HTTP_201_CREATED)
        versions = policy.versions.prefetch_related(
            "categories", "exceptions", "transitions__actor"
        ).select_related("created_by")
        return Response(VersionSerializer(versions, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=VersionSerializer)
    @extend_schema(
        methods=["PATCH"],
        request=VersionUpdateSerializer,
        responses=VersionSerializer,
        description="Edit a draft; categories replace the list in the order given. "
        "A published version answers 409.",
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"versions/(?P<version_id>[0-9]+)",
        url_name="version-detail",
    )
    def version_detail(self, request, pk=None, version_id=None):
        policy = self._policy()
        version = policy.versions.filter(pk=version_id).first()
        if version is None:
            raise NotFoundError(f"{policy.name} has no version {version_id}.")
        if request.method == "PATCH":
            data = VersionUpdateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            version = version_services.version_update(
                actor=request.user, version=version, **data.validated_data
            )
        return Response(_version_detail(version))

    @extend_schema(
        parameters=[
            OpenApiParameter("from_version", int, required=True),
            OpenApiParameter("to_version", int, required=True),
        ],
        responses=DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """Categories and exceptions added, removed or changed between two version numbers."""
        policy = self._policy()
        query = DiffInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        old = selectors.policy_version_get(policy, query.validated_data["from_version"])
        new = selectors.policy_version_get(policy, query.validated_data["to_version"])
        body = selectors.version_diff(old, new).as_dict()
        body.update(from_version=old.number, to_version=new.number)
        return Response(body)

    @extend_schema(
        request=None,
        responses=PublishedPolicySerializer(many=True),
        parameters=[OpenApiParameter("slug", str, description="Only this policy's version")],
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def published(self, request):
        """The taxonomy in force for every policy (for pipelines and guard workers)."""
        versions = selectors.published_versions()
        slug = request.query_params.get("slug")
        if slug:
            versions = versions.filter(policy__slug=slug)
        return Response(PublishedPolicySerializer(versions, many=True).data)

    @extend_schema(request=GuardPromptInputSerializer, responses=GuardPromptSerializer)
    @action(detail=True, methods=["post"], url_path="guard-prompt")
    def guard_prompt(self, request, pk=None):
        """The exact text the guard reads for this conversation under the published version."""
        data = GuardPromptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        preview = selectors.guard_prompt_preview(
            policy=self._policy(),
            conversation=values["conversation"],
            scope=values.get("scope") or None,
            role=values["role"],
            with_descriptions=values["with_descriptions"],
            version_number=values.get("version"),
        )
        return Response(
            {
                "prompt": preview.prompt,
                "policy_version": preview.version.number,
                "categories": preview.codes,
            }
        )

    @extend_schema(request=None, responses={201: AttestationSerializer})
    @action(detail=True, methods=["post"])
    def attest(self, request, pk=None):
        """Confirm having read the published version."""
        attestation = attestations.policy_attest(actor=request.user, policy=self._policy())
        return Response(AttestationSerializer(attestation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AttestationStatusSerializer)
    @action(detail=True, methods=["get"])
    def attestations(self, request, pk=None):
        """Who has and has not confirmed the published version (Legal)."""
        state = selectors.attestation_status(self._policy())
        return Response(
            {
                "policy_version": state.version.number if state.version else None,
                "attested": AttestationSerializer(state.attested, many=True).data,
                "pending": [user.username for user in state.pending],
            }
        )


def _transition_action(step: workflow.Transition):
    """The API action for one workflow verb: POST /policies/{id}/<verb>/ with an optional note."""

    def act(self: PolicyViewSet, request, pk=None) -> Response:
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = workflow_services.policy_transition(
            actor=request.user,
            policy=self._policy(),
            verb=step.verb,
            note=data.validated_data["note"],
        )
        return Response(_version_detail(version))

    act.__name__ = step.verb
    act.__doc__ = str(step.help)
    act = action(detail=True, methods=["post"], url_path=step.verb, url_name=step.verb)(act)
    return extend_schema(request=TransitionInputSerializer, responses=VersionSerializer)(act)


# The verbs are the workflow table's: a verb added there is an API action here, by construction.
for _step in workflow.TRANSITIONS:
    setattr(PolicyViewSet, _step.verb, _transition_action(_step))
