"""Red-line policies: a named policy set, its numbered versions and their ordered categories."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Policy(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_cadence_days = models.PositiveIntegerField(default=180)
    next_review_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True, help_text="What changed in this version")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="policy_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status="published"),
                name="one_published_version_per_policy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"


class PolicyCategory(models.Model):
    class Action(models.TextChoices):
        BLOCK = "block", "Block"
        REVIEW = "review", "Send to review"
        LOG = "log", "Log only"

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="categories")
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.REVIEW)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="policy_category_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"
