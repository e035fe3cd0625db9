"""Planner records: projects, roadmap templates and roadmaps, checklists, cost estimates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# Names of the case-insensitive uniqueness constraints: the services map a violation of each
# to a form / 400 error on the `name` field.
PROJECT_NAME_UNIQUE = "planner_project_name_ci_unique"
TEMPLATE_NAME_UNIQUE = "planner_roadmap_template_name_ci_unique"


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        DONE = "done", "Done"

    class Sensitivity(models.TextChoices):
        PUBLIC = "public", "Public"
        INTERNAL = "internal", "Internal"
        SENSITIVE = "sensitive", "Sensitive (personal, medical, legal, financial…)"

    class Approach(models.TextChoices):
        UNDECIDED = "undecided", "Undecided"
        API = "api", "API model"
        OPEN_SOURCE = "open_source", "Open-source model"

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="planner_projects"
    )
    start_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNING)
    use_case = models.TextField(blank=True)
    data_sensitivity = models.CharField(
        max_length=16, choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    deployment = models.CharField(
        max_length=200, blank=True, help_text="Where the model will run, e.g. 'support-chat-eu'"
    )
    model_approach = models.CharField(
        max_length=16, choices=Approach.choices, default=Approach.UNDECIDED
    )
    model_size = models.CharField(max_length=50, blank=True, help_text="e.g. 7B, 70B")
    approach_rationale = models.TextField(blank=True)
    training_mix = models.ForeignKey(
        "governance.TrainingMix",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planner_projects",
        help_text="The mix Legal must approve before the first fine-tune",
    )
    policy = models.ForeignKey(
        "policies.Policy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planner_projects",
        help_text="The red-line policy that must be published before the first fine-tune",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(Lower("name"), name=PROJECT_NAME_UNIQUE)]

    def __str__(self) -> str:
        return self.name


class RoadmapTemplate(models.Model):
    """A reusable plan; built-in ones come from the source material and are read-only."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    builtin = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-builtin", "name"]
        constraints = [models.UniqueConstraint(Lower("name"), name=TEMPLATE_NAME_UNIQUE)]

    def __str__(self) -> str:
        return self.name


class Gate(models.TextChoices):
    NONE = "", "None"
    FINE_TUNE = "fine_tune", "Fine-tune (approved training mix and published policy)"


class RoadmapTemplateTask(models.Model):
    template = models.ForeignKey(RoadmapTemplate, on_delete=models.CASCADE, related_name="tasks")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    day = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Day n = the n-th business day of the plan"
    )
    duration = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    weekend = models.BooleanField(
        default=False, help_text="Sits on the weekend after plan day `day` instead"
    )
    gate = models.CharField(max_length=16, choices=Gate.choices, blank=True, default="")
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="planner_template_task_key")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def dependency_keys(self) -> list[str]:
        return [task.key for task in self.depends_on.all()]


class Roadmap(models.Model):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="roadmap")
    template = models.ForeignKey(
        RoadmapTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    template_name = models.CharField(max_length=200)
    start_date = models.DateField()
    holiday_country = models.CharField(
        max_length=8, blank=True, help_text="ISO country code whose public holidays are skipped"
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.project} · {self.template_name}"


class RoadmapTask(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        DOING = "doing", "Doing"
        DONE = "done", "Done"
        BLOCKED = "blocked", "Blocked"

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="tasks")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    day = models.PositiveSmallIntegerField(help_text="Plan day from the template")
    duration = models.PositiveSmallIntegerField(default=1)
    weekend = models.BooleanField(default=False)
    starts_on = models.DateField()
    due_on = models.DateField()
    planned_due_on = models.DateField(help_text="The due date when the roadmap was made")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gate = models.CharField(max_length=16, choices=Gate.choices, blank=True, default="")
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "key"], name="planner_roadmap_task_key")
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status != self.Status.DONE and self.due_on < today


class ChecklistTemplate(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    ordered = models.BooleanField(
        default=False, help_text="A step can only be concluded once the earlier ones are resolved"
    )
    builtin = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-builtin", "name"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateSection(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class ChecklistTemplateItem(models.Model):
    section = models.ForeignKey(
        ChecklistTemplateSection, on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField(max_length=300)
    help = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class ChecklistRun(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checklist_runs")
    template = models.ForeignKey(
        ChecklistTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    template_slug = models.SlugField(max_length=80, blank=True)
    title = models.CharField(max_length=200)
    ordered = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"
        NOT_APPLICABLE = "na", "Not applicable"

    run = models.ForeignKey(ChecklistRun, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=200)
    step = models.PositiveIntegerField(default=0, help_text="Section position, from 0")
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300)
    help = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(blank=True, help_text="Why it does not apply")
    finding = models.TextField(blank=True)
    evidence_url = models.URLField(max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Not stored: set by selectors.checklist_run_sections when an earlier step is still open.
    locked: bool = False

    class Meta:
        ordering = ["step", "order", "id"]

    def __str__(self) -> str:
        return self.text


class PricePreset(models.Model):
    """An editable GPU price range per GPU-hour; the low end is the default price."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    gpu = models.CharField(max_length=50, blank=True)
    price_low = models.DecimalField(max_digits=10, decimal_places=2)
    price_high = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["price_low", "name"]

    def __str__(self) -> str:
        return f"{self.name} (${self.price_low}-{self.price_high}/GPU-hour)"


class CostEstimate(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        INFERENCE = "inference", "Inference"

    class Pricing(models.TextChoices):
        API = "api", "API price per million tokens"
        SERVING = "serving", "Own serving GPUs"

    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="cost_estimates"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=200, blank=True)
    preset = models.ForeignKey(
        PricePreset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # training
    tokens = models.BigIntegerField(null=True, blank=True)
    tokens_per_second_per_gpu = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    gpus = models.PositiveIntegerField(null=True, blank=True)
    price_per_gpu_hour = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    # inference
    pricing = models.CharField(max_length=8, choices=Pricing.choices, blank=True)
    requests_per_day = models.PositiveBigIntegerField(null=True, blank=True)
    tokens_per_request = models.PositiveIntegerField(null=True, blank=True)
    price_per_million_tokens = models.DecimalField(
        max_digits=10, decimal_places=4, null=True, blank=True
    )
    serving_tokens_per_second_per_gpu = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    # computed by the service from the inputs above
    result = models.JSONField(default=dict, blank=True)
    cost = models.DecimalField(
        max_digits=16, decimal_places=2, help_text="Training: total; inference: per month"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} estimate"
