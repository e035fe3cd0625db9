"""Serializers for the governance API: licenses, datasets with their verdict, training mixes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.db.models.manager import BaseManager
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance import licensing, selectors
from governance.datasets.fields import DATASET_FIELDS
from governance.licenses.services import LICENSE_FACT_FIELDS
from governance.mixes.weights import DEFAULT_WEIGHT, WeightInvalid, mix_weight_clean
from governance.models import Dataset, License, MixComponent, TrainingMix


class VerdictSerializer(serializers.Serializer):
    commercial_use = serializers.ChoiceField(choices=licensing.COMMERCIAL_USE_CHOICES)
    attribution_required = serializers.BooleanField()
    attribution_lines = serializers.ListField(child=serializers.CharField())
    share_alike = serializers.BooleanField()
    no_derivatives = serializers.BooleanField()
    needs_legal_review = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    licenses = serializers.ListField(child=serializers.CharField())


class MixVerdictSerializer(VerdictSerializer):
    conflicts = serializers.ListField(child=serializers.CharField())
    shares = serializers.DictField(child=serializers.FloatField())
    languages = serializers.DictField(
        child=serializers.FloatField(), help_text="Share of the mix per language"
    )


class LicenseSerializer(serializers.ModelSerializer):
    overridden_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = License
        fields = [
            "spdx_id",
            "name",
            "use_class",
            "attribution_required",
            "share_alike",
            "no_derivatives",
            "needs_legal_review",
            "is_exception",
            "curated",
            "note",
            "facts_source",
            "facts_version",
            "overridden_by",
            "overridden_at",
            "override_reason",
        ]
        read_only_fields = fields


class LicenseOverrideSerializer(serializers.ModelSerializer):
    """The facts Legal may override (each optional) and why."""

    reason = serializers.CharField()

    class Meta:
        model = License
        fields = [*LICENSE_FACT_FIELDS, "reason"]
        extra_kwargs = {name: {"required": False} for name in LICENSE_FACT_FIELDS}


class DatasetSerializer(serializers.ModelSerializer):
    steward = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    steward_username = serializers.CharField(source="steward.username", read_only=True, default="")
    reviewer: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    verdict = serializers.SerializerMethodField()
    review_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Dataset
        fields = [
            "id",
            *DATASET_FIELDS,
            "steward_username",
            "status",
            "reviewer",
            "reviewed_at",
            "decision_note",
            "review_overdue",
            "verdict",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "reviewer", "reviewed_at", "decision_note"]

    @extend_schema_field(VerdictSerializer)
    def get_verdict(self, dataset: Dataset) -> dict[str, Any]:
        return dataset.verdict or selectors.dataset_verdict(dataset).as_dict()


class DatasetSubmitSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DatasetApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    conditions = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Conditions of use; when given, the dataset is approved with conditions.",
    )
    next_review_date = serializers.DateField(required=False, allow_null=True, default=None)


class DatasetRejectSerializer(serializers.Serializer):
    note = serializers.CharField()


class CardImportSerializer(serializers.Serializer):
    card = serializers.CharField(help_text="The dataset card: README.md with YAML front matter")
    hub_id = serializers.CharField(required=False, allow_blank=True, default="")


class CsvImportSerializer(serializers.Serializer):
    csv = serializers.CharField(help_text="CSV text with the export's columns")


class CsvImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class MixComponentSerializer(serializers.ModelSerializer):
    dataset = serializers.PrimaryKeyRelatedField(queryset=Dataset.objects.all())
    dataset_name = serializers.CharField(source="dataset.name", read_only=True)
    weight = serializers.FloatField(default=DEFAULT_WEIGHT)

    class Meta:
        model = MixComponent
        fields = ["dataset", "dataset_name", "weight"]

    def validate_weight(self, value: float) -> float:
        try:
            return mix_weight_clean(value)
        except WeightInvalid as exc:
            raise serializers.ValidationError(str(exc)) from exc


class TrainingMixListSerializer(serializers.ListSerializer):
    """Computes the verdicts of every mix on the page at once (a few queries, not per mix)."""

    def to_representation(self, data: Any) -> list[Any]:
        mixes = list(data.all() if isinstance(data, (QuerySet, BaseManager)) else data)
        self.context.setdefault("_mix_verdicts", {}).update(selectors.training_mix_verdicts(mixes))
        return super().to_representation(mixes)


class TrainingMixSerializer(serializers.ModelSerializer):
    components = MixComponentSerializer(many=True, required=False)
    reviewer: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    verdict = serializers.SerializerMethodField()
    conflicts = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()

    class Meta:
        model = TrainingMix
        fields = [
            "id",
            "name",
            "description",
            "status",
            "reviewer",
            "reviewed_at",
            "decision_note",
            "components",
            "verdict",
            "conflicts",
            "blockers",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "reviewer", "reviewed_at", "decision_note"]
        list_serializer_class = TrainingMixListSerializer

    def _mix_verdict(self, mix: TrainingMix) -> licensing.MixVerdict:
        cache = self.context.setdefault("_mix_verdicts", {})
        if mix.pk not in cache:
            cache[mix.pk] = selectors.training_mix_verdict(mix)
        return cache[mix.pk]

    @extend_schema_field(MixVerdictSerializer)
    def get_verdict(self, mix: TrainingMix) -> dict[str, Any]:
        return self._mix_verdict(mix).as_dict()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_conflicts(self, mix: TrainingMix) -> list[str]:
        return self._mix_verdict(mix).conflicts

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_blockers(self, mix: TrainingMix) -> list[str]:
        return selectors.training_mix_blockers(mix, verdict=self._mix_verdict(mix))


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
