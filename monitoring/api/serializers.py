"""API shapes for outputs and scans (validation of pushed items is in monitoring.ingest)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring.hooks import review_states
from monitoring.ingest import MAX_ITEMS
from monitoring.models import GuardScan, ModelOutput
from monitoring.selectors import output_latest_scan, scan_policy_versions


class TurnSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=["user", "assistant"])
    content = serializers.CharField()


class OutputItemSerializer(serializers.Serializer):
    """One pushed output (documentation of the request body)."""

    external_id = serializers.CharField(max_length=200, help_text="Idempotency key per project")
    project = serializers.CharField(max_length=100)
    model = serializers.CharField(max_length=200)
    model_version = serializers.CharField(max_length=100, required=False, allow_blank=True)
    conversation = TurnSerializer(many=True)
    metadata = serializers.DictField(required=False)


class BulkRequestSerializer(serializers.Serializer):
    items = OutputItemSerializer(many=True, help_text=f"At most {MAX_ITEMS} items and 5 MB")


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["created", "duplicate", "error"])
    id = serializers.IntegerField(allow_null=True)
    project = serializers.CharField(allow_null=True)
    external_id = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


class BulkResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    # The answer's field is named "errors"; DRF's stubs type Serializer.errors (a property).
    errors = serializers.IntegerField()  # type: ignore[assignment]
    results = ItemResultSerializer(many=True)


class GuardScanSerializer(serializers.ModelSerializer):
    policy_version = serializers.SerializerMethodField()

    class Meta:
        model = GuardScan
        fields = [
            "id",
            "verdict",
            "categories",
            "p_unsafe",
            "policy_version",
            "guard_model",
            "guard_revision",
            "latency_ms",
            "truncated",
            "error",
            "raw_output",
            "reused_from",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_policy_version(self, scan: GuardScan) -> str | None:
        if scan.policy_version_id is None:
            return None
        # A list passes the versions of all its scans in one go (see OutputViewSet.list).
        refs = self.context.get("policy_versions")
        if refs is None or scan.policy_version_id not in refs:
            refs = scan_policy_versions([scan])
        ref = refs.get(scan.policy_version_id)
        return ref.label if ref else None


class OutputSerializer(serializers.ModelSerializer):
    latest_scan = serializers.SerializerMethodField()
    review_reasons = serializers.SerializerMethodField()

    class Meta:
        model = ModelOutput
        fields = [
            "id",
            "project",
            "external_id",
            "model",
            "model_version",
            "conversation",
            "metadata",
            "conversation_sha256",
            "received_at",
            "latest_scan",
            "review_reasons",
        ]

    @extend_schema_field(GuardScanSerializer(allow_null=True))
    def get_latest_scan(self, output: ModelOutput) -> dict | None:
        scan = output_latest_scan(output)
        return GuardScanSerializer(scan, context=self.context).data if scan else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_review_reasons(self, output: ModelOutput) -> list[str]:
        # A list passes the states of its whole page in one go (see OutputViewSet.list).
        states = self.context.get("review_states")
        if states is None:
            states = review_states([output.pk])
        state = states.get(output.pk)
        return list(state.reasons) if state else []
