"""Model outputs pushed by pipelines and the guard's scans of them."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class ModelOutput(models.Model):
    """One conversation produced by a model, as a pipeline pushed it."""

    project = models.CharField(max_length=100, help_text="The pipeline's project key")
    external_id = models.CharField(max_length=200, help_text="Idempotency key, unique per project")
    model = models.CharField(max_length=200)
    model_version = models.CharField(max_length=100, blank=True)
    conversation = models.JSONField()
    metadata = models.JSONField(default=dict, blank=True)
    conversation_sha256 = models.CharField(max_length=64, db_index=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "external_id"], name="output_external_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["project", "model", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.project}/{self.external_id}"


class GuardScan(models.Model):
    """The guard's verdict on one output under one policy version (one row per pair)."""

    class Verdict(models.TextChoices):
        SAFE = "safe", "Safe"
        UNSAFE = "unsafe", "Unsafe"
        ERROR = "error", "Error"

    output = models.ForeignKey(ModelOutput, on_delete=models.CASCADE, related_name="scans")
    policy_version = models.ForeignKey(
        "policies.PolicyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    categories = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    p_unsafe = models.FloatField(null=True, blank=True)
    guard_model = models.CharField(max_length=300, blank=True)
    guard_revision = models.CharField(max_length=100, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    raw_output = models.TextField(blank=True)
    error = models.TextField(blank=True)
    truncated = models.BooleanField(default=False)
    prompt = models.TextField(blank=True, help_text="The exact text the guard read")
    reused_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An earlier scan of an identical conversation under the same policy version",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["output", "policy_version"],
                name="one_scan_per_output_and_policy_version",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.output} {self.verdict}"
