"""Forms for the planner pages; they validate input, services do the work."""

from __future__ import annotations

import re
from typing import Any, cast

import yaml
from django import forms
from django.contrib.auth.models import User

from core.public import Role, users_with_role
from governance.policies.public import policy_choices
from governance.public import training_mix_choices
from planner.models import (
    ChecklistItem,
    ChecklistTemplate,
    CostEstimate,
    PricePreset,
    Project,
    RoadmapTask,
    RoadmapTemplate,
)
from planner.services.projects import LINK_FIELDS, PROJECT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})
CAMEL_CASE_GAP = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _training_mix_choices() -> list[tuple[int | str, str]]:
    return [("", "---------"), *training_mix_choices()]


def _policy_choices() -> list[tuple[int | str, str]]:
    return [("", "---------"), *policy_choices()]


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        # The services' one field list, less the owner (the acting PM) and the links,
        # which are the id pickers declared below.
        fields = [f for f in PROJECT_FIELDS if f != "owner" and f not in LINK_FIELDS]
        widgets = {
            "start_date": DATE,
            "use_case": forms.Textarea(attrs={"rows": 3}),
            "approach_rationale": forms.Textarea(attrs={"rows": 3}),
        }

    # The governance links are ids picked from the other apps' public choices; the model's
    # foreign keys stay out of Meta.fields so the form never loads another app's rows.
    training_mix = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, choices=_training_mix_choices
    )
    policy = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, choices=_policy_choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_mix"].help_text = Project._meta.get_field("training_mix").help_text
        self.fields["policy"].help_text = Project._meta.get_field("policy").help_text
        if self.instance.pk:
            self.initial.setdefault("training_mix", self.instance.training_mix_id)
            self.initial.setdefault("policy", self.instance.policy_id)

    def _get_validation_exclusions(self) -> set[str]:
        # Name uniqueness lives in the database constraint alone: the service turns its
        # violation into this form's `name` error, so the form does not query for it first.
        # django-stubs does not declare this (private but stable) ModelForm hook.
        return {*super()._get_validation_exclusions(), "name"}  # type: ignore[misc]


def holiday_country_choices() -> list[tuple[str, str]]:
    """Every country the holidays library knows, by name, after "no public holidays"."""
    from holidays import registry

    # Registry entries are (ClassName, ISO code, ...): "UnitedStates" reads "United States".
    countries = sorted(
        (CAMEL_CASE_GAP.sub(" ", entry[0]), entry[1]) for entry in registry.COUNTRIES.values()
    )
    return [("", "No public holidays (weekends only)")] + [
        (code, f"{name} ({code})") for name, code in countries
    ]


class RoadmapInstantiateForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=RoadmapTemplate.objects.all(), empty_label=None, to_field_name="slug"
    )
    start_date = forms.DateField(widget=DATE)
    holiday_country = forms.ChoiceField(
        required=False,
        choices=holiday_country_choices,
        help_text="Whose public holidays the business days skip.",
    )


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=RoadmapTask.Status.choices)


class TaskOwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, to_field_name="username"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = users_with_role(Role.PM)


class TaskMoveForm(forms.Form):
    starts_on = forms.DateField(required=False, widget=DATE)
    due_on = forms.DateField(required=False, widget=DATE)


class ChecklistStartForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ChecklistTemplate.objects.all(), empty_label=None, to_field_name="slug"
    )


class ChecklistItemForm(forms.Form):
    status = forms.ChoiceField(choices=ChecklistItem.Status.choices)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    finding = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.URLField(required=False, assume_scheme="https")


class TrainingEstimateForm(forms.Form):
    label = forms.CharField(required=False, max_length=200)
    tokens = forms.IntegerField(min_value=1, help_text="Training tokens, e.g. 15000000000")
    tokens_per_second_per_gpu = forms.DecimalField(min_value=0.01, initial=3000)
    gpus = forms.IntegerField(min_value=1, initial=8)
    preset = forms.ModelChoiceField(
        queryset=PricePreset.objects.all(), required=False, to_field_name="slug"
    )
    price_per_gpu_hour = forms.DecimalField(
        min_value=0, required=False, help_text="Leave empty to use the preset's low price."
    )


class InferenceEstimateForm(forms.Form):
    label = forms.CharField(required=False, max_length=200)
    pricing = forms.ChoiceField(choices=CostEstimate.Pricing.choices)
    requests_per_day = forms.IntegerField(min_value=0)
    tokens_per_request = forms.IntegerField(min_value=0)
    price_per_million_tokens = forms.DecimalField(min_value=0, required=False)
    serving_tokens_per_second_per_gpu = forms.DecimalField(min_value=0.01, required=False)
    preset = forms.ModelChoiceField(
        queryset=PricePreset.objects.all(), required=False, to_field_name="slug"
    )
    price_per_gpu_hour = forms.DecimalField(min_value=0, required=False)


class PricePresetForm(forms.ModelForm):
    class Meta:
        model = PricePreset
        fields = ["price_low", "price_high"]


class TemplateEditForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tasks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono"}),
        help_text=(
            "YAML list; each task has key, title, day (n-th business day), optional "
            "duration, weekend (true: the weekend after that day), gate (fine_tune) and "
            "depends_on (keys)."
        ),
    )

    def clean_tasks(self) -> list[dict]:
        try:
            tasks = yaml.safe_load(self.cleaned_data["tasks"])
        except yaml.YAMLError as exc:
            raise forms.ValidationError(f"This is not valid YAML: {exc}") from exc
        if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
            raise forms.ValidationError("Write a list of tasks, one mapping each.")
        for task in tasks:
            missing = {"key", "title", "day"} - set(task)
            if missing:
                raise forms.ValidationError(
                    f"Every task needs {', '.join(sorted(missing))}: {task}"
                )
        return tasks


class TemplateCreateForm(TemplateEditForm):
    slug = forms.SlugField(max_length=80, help_text="Short id used by the API, e.g. eval-first")

    field_order = ["name", "slug", "description", "tasks"]
