"""The human-review queue: one item per output, with every reason it was queued for."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class ReviewReason(models.TextChoices):
    USER_REPORT = "user_report", "Reported by a user"
    UNSAFE = "unsafe", "Guard verdict: unsafe"
    ERROR = "error", "Guard error"
    GUARD_UNAVAILABLE = "guard_unavailable", "Guard unavailable"
    TRUNCATED = "truncated", "Truncated for the guard"
    LOW_CONFIDENCE = "low_confidence", "Near the guard's threshold"
    RANDOM_SAMPLE = "random_sample", "Random sample"


# Higher first; an item takes the highest priority among its reasons.
REASON_PRIORITY = {
    ReviewReason.USER_REPORT: 100,
    ReviewReason.UNSAFE: 80,
    ReviewReason.ERROR: 60,
    ReviewReason.GUARD_UNAVAILABLE: 50,
    ReviewReason.TRUNCATED: 50,
    ReviewReason.LOW_CONFIDENCE: 30,
    ReviewReason.RANDOM_SAMPLE: 10,
}


class ReviewItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    output = models.OneToOneField(
        "monitoring.ModelOutput", on_delete=models.CASCADE, related_name="review_item"
    )
    reasons = ArrayField(
        models.CharField(max_length=32, choices=ReviewReason.choices), default=list
    )
    priority = models.SmallIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    required_reviews = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "created_at", "id"]
        indexes = [models.Index(fields=["status", "-priority", "created_at"])]

    def __str__(self) -> str:
        return f"Review of {self.output} ({', '.join(self.reasons)})"
