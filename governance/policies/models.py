"""Red-line policies: a named policy set, its numbered versions and their ordered categories."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The field lists, defined once: the settings form, the API serializers and the services read
# these (a policy's own editable facts; a category's and an exception's values).
POLICY_FIELDS = (
    "name",
    "description",
    "owner",
    "approvers",
    "review_cadence_days",
    "next_review_on",
)
CATEGORY_FIELDS = ("code", "name", "description", "action", "enabled")
EXCEPTION_FIELDS = ("scope", "code", "reason")
# Constraint names the services turn into field errors.
NAME_UNIQUE = "policy_name_unique_ci"
SLUG_UNIQUE = "policy_slug_unique_ci"
# Reviews due within this many days get a "due soon" badge.
REVIEW_SOON_DAYS = 14


def review_overdue_q(today: datetime.date | None = None) -> Q:
    """Policies past their review date (stale): the list filter, the dashboard card and the
    reminder task all use this."""
    return Q(next_review_on__lt=today or timezone.localdate())


class Policy(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Legal users who may approve versions; anyone in Legal when empty.",
    )
    review_cadence_days = models.PositiveIntegerField(default=180)
    next_review_on = models.DateField(null=True, blank=True)
    # The review date owners were last reminded about, so the daily task reminds once.
    review_reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "policies"
        constraints = [
            # "Support bot" and "support bot" are the same policy to the people choosing one.
            models.UniqueConstraint(
                Lower("name"),
                name=NAME_UNIQUE,
                violation_error_message=_("A policy with this name already exists."),
            ),
            models.UniqueConstraint(
                Lower("slug"),
                name=SLUG_UNIQUE,
                violation_error_message=_("A policy with this slug already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def review_state_on(self, today: datetime.date) -> str:
        """ "overdue", "soon", "ok" or "unscheduled" for the review badge."""
        if self.next_review_on is None:
            return "unscheduled"
        if self.next_review_on < today:
            return "overdue"
        if self.next_review_on <= today + datetime.timedelta(days=REVIEW_SOON_DAYS):
            return "soon"
        return "ok"

    @property
    def review_state(self) -> str:
        return self.review_state_on(timezone.localdate())


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

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


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


class PolicyException(models.Model):
    """A category that does not apply to one deployment or project (`scope`), and why."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="exceptions")
    scope = models.CharField(max_length=100, help_text="Deployment or project key")
    code = models.CharField(max_length=16, help_text="The category code excluded in this scope")
    reason = models.TextField()

    class Meta:
        ordering = ["version", "scope", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "scope", "code"], name="policy_exception_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} off in {self.scope}"


class PolicyTransition(models.Model):
    """One step of a version through the workflow: who, when, from and to, and why."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=PolicyVersion.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=PolicyVersion.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version}: {self.from_status or 'new'} -> {self.to_status}"


class PolicyAttestation(models.Model):
    """A user confirmed having read one published version."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="attestations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_attestations"
    )
    attested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-attested_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="policy_attestation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.version}"
