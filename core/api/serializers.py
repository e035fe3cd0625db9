"""Serializers for the core API: the caller and their tokens."""

from rest_framework import serializers

from core.audit_format import audit_changes_text
from core.models import ApiToken, AuditEvent
from core.roles import user_roles
from core.tokens import ALL_SCOPES, MAX_EXPIRY_DAYS


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.SerializerMethodField()

    def get_roles(self, user) -> list[str]:
        return sorted(role.value for role in user_roles(user))


class ApiTokenSerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    scopes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "user",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "is_active",
        ]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        required=False,
        allow_null=True,
        help_text="Omitted: the server's default expiry; null: never expires.",
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ALL_SCOPES),
        required=False,
        allow_empty=False,
        help_text="What the token may do; omitted: every scope.",
    )


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="User name, or null for Steward itself")
    at = serializers.DateTimeField(source="created_at")
    object_type = serializers.CharField(source="target_type.model")
    object_id = serializers.CharField(source="target_id")
    object = serializers.CharField(source="target_repr")
    changes = serializers.SerializerMethodField(
        help_text='{"field": ["before", "after"]} with readable values'
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "actor",
            "action",
            "at",
            "object_type",
            "object_id",
            "object",
            "changes",
            "note",
        ]
        read_only_fields = fields

    def get_actor(self, event: AuditEvent) -> str | None:
        return event.actor.username if event.actor else None

    def get_changes(self, event: AuditEvent) -> dict[str, list[str]]:
        return audit_changes_text(event.changes)
