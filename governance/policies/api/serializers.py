"""Serializers for the policies API: policies, versions with categories, previews, attestations."""

from __future__ import annotations

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.policies.guard_prompt import ROLES
from governance.policies.models import (
    CATEGORY_FIELDS,
    EXCEPTION_FIELDS,
    POLICY_FIELDS,
    Policy,
    PolicyAttestation,
    PolicyCategory,
    PolicyException,
    PolicyTransition,
    PolicyVersion,
)
from governance.policies.selectors import approver_candidates, owner_candidates


def _owner_field() -> serializers.SlugRelatedField[User]:
    return serializers.SlugRelatedField(
        slug_field="username", queryset=owner_candidates(), required=False
    )


def _approvers_field() -> serializers.SlugRelatedField[User]:
    return serializers.SlugRelatedField(
        slug_field="username", queryset=approver_candidates(), many=True, required=False
    )


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyCategory
        fields = list(CATEGORY_FIELDS)


class CategoryInputSerializer(serializers.Serializer):
    # Codes and names are checked by the service, so that every caller gets the same message.
    code = serializers.CharField(max_length=16, allow_blank=True)
    name = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    action = serializers.ChoiceField(
        choices=PolicyCategory.Action.choices, default=PolicyCategory.Action.REVIEW
    )
    enabled = serializers.BooleanField(default=True)


class ExceptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyException
        fields = list(EXCEPTION_FIELDS)


class ExceptionInputSerializer(serializers.Serializer):
    scope = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=16)
    reason = serializers.CharField(allow_blank=True)


class TransitionSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    # Plain strings: the status enum is documented once, on the version.
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = PolicyTransition
        fields = ["from_status", "to_status", "actor", "note", "created_at"]


class VersionSerializer(serializers.ModelSerializer):
    categories = CategorySerializer(many=True, read_only=True)
    exceptions = ExceptionSerializer(many=True, read_only=True)
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "number",
            "status",
            "summary",
            "created_by",
            "created_at",
            "published_at",
            "categories",
            "exceptions",
            "transitions",
        ]
        read_only_fields = fields


class VersionUpdateSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True)
    categories = CategoryInputSerializer(many=True, required=False)
    exceptions = ExceptionInputSerializer(many=True, required=False)


class VersionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()


class PolicySerializer(serializers.ModelSerializer):
    owner = _owner_field()
    approvers = _approvers_field()
    latest_version = serializers.SerializerMethodField()
    published_version = serializers.SerializerMethodField()
    review_state = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "slug",
            *POLICY_FIELDS,
            "review_state",
            "latest_version",
            "published_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "created_at", "updated_at"]

    def _versions(self, policy: Policy) -> list[PolicyVersion]:
        return sorted(policy.versions.all(), key=lambda v: -v.number)

    @extend_schema_field(VersionSummarySerializer(allow_null=True))
    def get_latest_version(self, policy: Policy) -> dict | None:
        versions = self._versions(policy)
        if not versions:
            return None
        latest = versions[0]
        return {"id": latest.id, "number": latest.number, "status": latest.status}

    @extend_schema_field(VersionSummarySerializer(allow_null=True))
    def get_published_version(self, policy: Policy) -> dict | None:
        for version in self._versions(policy):
            if version.status == PolicyVersion.Status.PUBLISHED:
                return {"id": version.id, "number": version.number, "status": version.status}
        return None

    def get_review_state(self, policy: Policy) -> str:
        return policy.review_state


class PolicyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = _owner_field()
    approvers = _approvers_field()
    review_cadence_days = serializers.IntegerField(min_value=1, default=180)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    categories = CategoryInputSerializer(
        many=True,
        required=False,
        help_text="Leave out to start from Llama Guard 3's standard categories.",
    )
    exceptions = ExceptionInputSerializer(many=True, required=False, default=list)


class TransitionInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConversationTurnSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=["user", "assistant"])
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)


class GuardPromptInputSerializer(serializers.Serializer):
    conversation = ConversationTurnSerializer(many=True, allow_empty=False)
    scope = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    role = serializers.ChoiceField(choices=list(ROLES), default="Agent")
    with_descriptions = serializers.BooleanField(default=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Version number; the published one by default."
    )


class GuardPromptSerializer(serializers.Serializer):
    prompt = serializers.CharField()
    policy_version = serializers.IntegerField()
    categories = serializers.ListField(child=serializers.CharField())


class PublishedPolicySerializer(serializers.Serializer):
    """One policy's taxonomy in force, as workers and pipelines read it."""

    policy_id = serializers.IntegerField(source="policy.id")
    slug = serializers.CharField(source="policy.slug")
    name = serializers.CharField(source="policy.name")
    version_id = serializers.IntegerField(source="id")
    policy_version = serializers.IntegerField(source="number")
    published_at = serializers.DateTimeField()
    categories = CategorySerializer(many=True)
    exceptions = ExceptionSerializer(many=True)


class AttestationSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    policy_version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = PolicyAttestation
        fields = ["user", "policy_version", "attested_at"]


class AttestationStatusSerializer(serializers.Serializer):
    policy_version = serializers.IntegerField(allow_null=True)
    attested = AttestationSerializer(many=True)
    pending = serializers.ListField(child=serializers.CharField())


class DiffInputSerializer(serializers.Serializer):
    from_version = serializers.IntegerField(min_value=1)
    to_version = serializers.IntegerField(min_value=1)


class DiffSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    added = CategorySerializer(many=True)
    removed = CategorySerializer(many=True)
    changed = serializers.ListField(child=serializers.DictField())
    reordered = serializers.BooleanField()
    exceptions_added = ExceptionSerializer(many=True)
    exceptions_removed = ExceptionSerializer(many=True)
