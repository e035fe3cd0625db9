"""Serializers for the planner API; writes go through planner.services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.models import User
from rest_framework import serializers

from core.public import Role, users_with_role
from governance.policies.public import policy_exists
from governance.public import training_mix_exists
from planner.advice import approach_advice
from planner.gates import GateReader
from planner.models import (
    ChecklistItem,
    ChecklistRun,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ChecklistTemplateSection,
    CostEstimate,
    PricePreset,
    Project,
    RoadmapTask,
    RoadmapTemplate,
    RoadmapTemplateTask,
)
from planner.services.projects import PROJECT_FIELDS


class LinkedIdField(serializers.IntegerField):
    """The id of another app's record, checked through that app's public surface: reads and
    writes like a nullable primary-key field without loading the other app's rows."""

    default_error_messages = {
        "does_not_exist": 'Invalid pk "{pk_value}" - object does not exist.',
    }

    def __init__(self, *, exists: Callable[[int], bool], **kwargs: Any) -> None:
        self.exists = exists
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        value = super().to_internal_value(data)
        if not self.exists(value):
            self.fail("does_not_exist", pk_value=value)
        return value


class ProjectSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False
    )
    training_mix = LinkedIdField(
        source="training_mix_id",
        exists=training_mix_exists,
        help_text=Project._meta.get_field("training_mix").help_text,
    )
    policy = LinkedIdField(
        source="policy_id",
        exists=policy_exists,
        help_text=Project._meta.get_field("policy").help_text,
    )
    advice = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", *PROJECT_FIELDS, "advice", "created_at"]
        read_only_fields = ["id", "created_at", "advice"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The services name the links as the API does.
        for name in ("training_mix", "policy"):
            if f"{name}_id" in attrs:
                attrs[name] = attrs.pop(f"{name}_id")
        return attrs

    def get_advice(self, project: Project) -> str:
        return approach_advice(
            data_sensitivity=project.data_sensitivity, model_approach=project.model_approach
        )


class TemplateTaskSerializer(serializers.ModelSerializer):
    depends_on = serializers.ListField(
        child=serializers.SlugField(), required=False, default=list, source="dependency_keys"
    )

    class Meta:
        model = RoadmapTemplateTask
        fields = ["key", "title", "description", "day", "duration", "weekend", "gate", "depends_on"]


class RoadmapTemplateSerializer(serializers.ModelSerializer):
    tasks = TemplateTaskSerializer(many=True)

    class Meta:
        model = RoadmapTemplate
        fields = ["id", "slug", "name", "description", "builtin", "tasks"]
        read_only_fields = ["id", "builtin"]


class RoadmapTemplateCopySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, default="")
    slug = serializers.SlugField(max_length=80, required=False, default="")


class RoadmapTaskSerializer(serializers.ModelSerializer):
    """A task; PATCH may change status, owner, note, title, description and dates."""

    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    depends_on: serializers.PrimaryKeyRelatedField[RoadmapTask] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    blockers = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    project = serializers.IntegerField(source="roadmap.project_id", read_only=True)

    class Meta:
        model = RoadmapTask
        fields = [
            "id",
            "project",
            "key",
            "title",
            "description",
            "day",
            "duration",
            "weekend",
            "starts_on",
            "due_on",
            "planned_due_on",
            "status",
            "owner",
            "gate",
            "depends_on",
            "blockers",
            "overdue",
            "note",
            "completed_at",
        ]
        read_only_fields = [
            "id",
            "project",
            "key",
            "day",
            "duration",
            "weekend",
            "planned_due_on",
            "gate",
            "depends_on",
            "completed_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = cast(serializers.SlugRelatedField, self.fields["owner"])
        owner.queryset = users_with_role(Role.PM)

    def get_blockers(self, task: RoadmapTask) -> list[str]:
        if not task.gate or task.status == RoadmapTask.Status.DONE:
            return []
        # One reader for the whole response: each linked mix and policy is asked about once.
        gates: GateReader = self.context.setdefault("gates", GateReader())
        return gates.blockers(task.roadmap.project, task.gate)

    def get_overdue(self, task: RoadmapTask) -> bool:
        return task.is_overdue()


class RoadmapTaskSlipSerializer(serializers.Serializer):
    business_days = serializers.IntegerField(min_value=1, max_value=250)


class RoadmapTaskChangeSerializer(serializers.Serializer):
    """A changed task and the dependents that moved with it."""

    task = RoadmapTaskSerializer()
    shifted = RoadmapTaskSerializer(many=True)
    end_date = serializers.DateField()


class RoadmapSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="roadmap.id")
    project = serializers.IntegerField(source="roadmap.project_id")
    template = serializers.SerializerMethodField()
    template_name = serializers.CharField(source="roadmap.template_name")
    start_date = serializers.DateField(source="roadmap.start_date")
    holiday_country = serializers.CharField(source="roadmap.holiday_country")
    end_date = serializers.DateField(source="end")
    planned_end_date = serializers.DateField(source="planned_end")
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    overdue = serializers.IntegerField()
    calendar_url = serializers.SerializerMethodField()
    tasks = RoadmapTaskSerializer(many=True, source="task_list", read_only=True)

    def get_template(self, overview) -> str | None:
        template = overview.roadmap.template
        return template.slug if template else None

    def get_calendar_url(self, overview) -> str:
        request = self.context.get("request")
        path = f"/planner/calendar/{overview.roadmap.calendar_token}.ics"
        return request.build_absolute_uri(path) if request else path


class RoadmapCreateSerializer(serializers.Serializer):
    template = serializers.CharField(help_text="Template slug or id, e.g. two-week-kickoff")
    start_date = serializers.DateField()
    holiday_country = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=8
    )


class ChecklistTemplateSectionSerializer(serializers.ModelSerializer):
    items: serializers.SlugRelatedField[ChecklistTemplateItem] = serializers.SlugRelatedField(
        slug_field="text", many=True, read_only=True
    )

    class Meta:
        model = ChecklistTemplateSection
        fields = ["title", "items"]


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    sections = ChecklistTemplateSectionSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "slug", "name", "description", "ordered", "builtin", "sections"]


class ChecklistItemSerializer(serializers.ModelSerializer):
    """An item; PATCH sets status (with a reason for not applicable), finding, evidence."""

    resolved_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "run",
            "section",
            "step",
            "order",
            "text",
            "status",
            "reason",
            "finding",
            "evidence_url",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = ["id", "run", "section", "step", "order", "text", "resolved_by"]
        read_only_fields += ["resolved_at"]


class ChecklistRunSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)
    template = serializers.CharField(source="template_slug", read_only=True)

    class Meta:
        model = ChecklistRun
        fields = ["id", "project", "template", "title", "ordered", "created_at", "items"]
        read_only_fields = fields


class ChecklistRunCreateSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    template = serializers.CharField(help_text="Checklist template slug or id")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class PricePresetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PricePreset
        fields = ["id", "slug", "name", "gpu", "price_low", "price_high"]
        read_only_fields = ["id", "slug", "gpu"]


class CostEstimateSerializer(serializers.ModelSerializer):
    preset = serializers.SlugRelatedField(
        slug_field="slug", queryset=PricePreset.objects.all(), required=False, allow_null=True
    )
    seconds = serializers.SerializerMethodField()
    hours = serializers.SerializerMethodField()
    days = serializers.SerializerMethodField()
    cost_range = serializers.SerializerMethodField()
    gpus_needed = serializers.SerializerMethodField()

    class Meta:
        model = CostEstimate
        fields = [
            "id",
            "project",
            "kind",
            "label",
            "preset",
            "tokens",
            "tokens_per_second_per_gpu",
            "gpus",
            "price_per_gpu_hour",
            "pricing",
            "requests_per_day",
            "tokens_per_request",
            "price_per_million_tokens",
            "serving_tokens_per_second_per_gpu",
            "seconds",
            "hours",
            "days",
            "cost",
            "cost_range",
            "gpus_needed",
            "result",
            "created_at",
        ]
        read_only_fields = ["id", "cost", "result", "created_at"]
        extra_kwargs = {"kind": {"required": True}}

    def _result(self, estimate: CostEstimate, key: str) -> Any:
        return estimate.result.get(key)

    def get_seconds(self, estimate: CostEstimate) -> str | None:
        return self._result(estimate, "seconds")

    def get_hours(self, estimate: CostEstimate) -> str | None:
        return self._result(estimate, "hours")

    def get_days(self, estimate: CostEstimate) -> str | None:
        return self._result(estimate, "days")

    def get_cost_range(self, estimate: CostEstimate) -> list[str] | None:
        return self._result(estimate, "cost_range")

    def get_gpus_needed(self, estimate: CostEstimate) -> int | None:
        return self._result(estimate, "gpus_needed")
