"""The human-review queue: items, leases, labels, sampling rules, daily rollups and alerts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
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
        ADJUDICATION = "adjudication", "Needs adjudication"
        DONE = "done", "Done"

    output = models.OneToOneField(
        "monitoring.ModelOutput", on_delete=models.CASCADE, related_name="review_item"
    )
    reasons = ArrayField(
        models.CharField(max_length=32, choices=ReviewReason.choices), default=list
    )
    priority = models.SmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    required_reviews = models.PositiveSmallIntegerField(default=1)
    # Copied from the output so the queue and its rollups never join the raw outputs table.
    project = models.CharField(max_length=100, blank=True, db_index=True)
    final_verdict = models.CharField(max_length=8, blank=True)
    final_categories = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    # "consensus" when the reviewers agreed, "adjudication" when a lead decided.
    final_source = models.CharField(max_length=16, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the last required independent review came in (agreement is measured from then).
    reviewed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "created_at", "id"]
        indexes = [
            models.Index(fields=["status", "-priority", "created_at"]),
            models.Index(
                fields=["-priority", "created_at", "id"],
                condition=Q(status="open"),
                name="review_item_open_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.output} ({', '.join(self.reasons)})"


class ReviewLease(models.Model):
    """One annotator's hold on one item: at most one per (item, annotator), ever.

    Live while `state` is active and `expires_at` is in the future; an item needing N reviews
    never has more than N - completed live leases.
    """

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        SUBMITTED = "submitted", "Submitted"
        SKIPPED = "skipped", "Skipped"
        EXPIRED = "expired", "Expired"

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="leases")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_leases"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    claimed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="one_lease_per_item_and_user")
        ]
        indexes = [
            models.Index(fields=["item", "state", "expires_at"]),
            models.Index(fields=["state", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} on item {self.item_id} ({self.state})"


class Review(models.Model):
    """One annotator's label for one item; never more than one per (item, annotator)."""

    class Faithful(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNSURE = "unsure", "Unsure"

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=8)
    categories = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    helpful = models.PositiveSmallIntegerField(null=True, blank=True)
    faithful = models.CharField(max_length=8, choices=Faithful.choices, blank=True)
    notes = models.TextField(blank=True)
    is_adjudication = models.BooleanField(default=False)
    seconds_spent = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="one_review_per_item_and_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.verdict} on item {self.item_id}"


class SamplingRule(models.Model):
    """How a project's (optionally one model's) traffic is sampled into the queue."""

    project = models.CharField(max_length=100)
    model = models.CharField(max_length=200, blank=True, help_text="Blank: every model")
    random_rate = models.FloatField(default=0.01, help_text="Share of outputs sampled, 0-1")
    daily_cap = models.PositiveIntegerField(
        default=200, help_text="Most random samples per model version per day"
    )
    low_confidence_min = models.FloatField(default=0.35)
    low_confidence_max = models.FloatField(default=0.65)
    double_review_rate = models.FloatField(
        default=0.10, help_text="Share of items that need two independent reviews"
    )
    show_guard_verdict = models.BooleanField(
        default=False, help_text="Show the guard's verdict to annotators (off: blind)"
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "model"]
        constraints = [
            models.UniqueConstraint(fields=["project", "model"], name="one_sampling_rule_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.project}/{self.model or '*'}"


class SamplingCount(models.Model):
    """Random samples taken per rule, model version and day (enforces the daily cap)."""

    rule = models.ForeignKey(SamplingRule, on_delete=models.CASCADE, related_name="+")
    model_version = models.CharField(max_length=100, blank=True)
    day = models.DateField()
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "model_version", "day"], name="one_sampling_count_per_stratum"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.model_version or '-'} {self.day}: {self.taken}"


class RollupDirty(models.Model):
    """A (project, day) whose rollups must be recomputed by the next refresh."""

    project = models.CharField(max_length=100)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "day"], name="one_dirty_mark_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.day}"


class DailyRollup(models.Model):
    """Per project, model version and day: guard scans, human labels, queue flow."""

    project = models.CharField(max_length=100)
    model_version = models.CharField(max_length=100, blank=True)
    day = models.DateField()
    # Guard scans of outputs received that day.
    scans = models.PositiveIntegerField(default=0)
    scans_unsafe = models.PositiveIntegerField(default=0)
    scans_error = models.PositiveIntegerField(default=0)
    # Random-sample items (outputs received that day) with a final human label.
    sample_labeled = models.PositiveIntegerField(default=0)
    sample_unsafe = models.PositiveIntegerField(default=0)
    # Queue flow by event day.
    items_queued = models.PositiveIntegerField(default=0)
    items_done = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    review_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "model_version", "day"], name="one_rollup_per_day"
            )
        ]
        indexes = [models.Index(fields=["day", "project"])]

    def __str__(self) -> str:
        return f"{self.project} {self.model_version or '-'} {self.day}"


class DailyGuardQuality(models.Model):
    """Guard verdict against the final human label, per project, category and day finalized.

    `category` "" is the overall safe/unsafe decision.
    """

    project = models.CharField(max_length=100)
    category = models.CharField(max_length=16, blank=True)
    day = models.DateField()
    tp = models.PositiveIntegerField(default=0)
    fp = models.PositiveIntegerField(default=0)
    fn = models.PositiveIntegerField(default=0)
    tn = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category", "day"], name="one_quality_rollup_per_day"
            )
        ]
        indexes = [models.Index(fields=["day", "project"])]

    def __str__(self) -> str:
        return f"{self.project} {self.category or 'overall'} {self.day}"


class DailyAgreement(models.Model):
    """Label patterns of items whose independent reviews completed that day.

    `kappa` rows count (first reviewer, second reviewer) verdict pairs, e.g. "safe|unsafe";
    `alpha` rows count each unit's sorted verdicts, e.g. "safe|safe|unsafe". Both statistics
    and their bootstrap intervals are exact functions of these counts.
    """

    project = models.CharField(max_length=100)
    day = models.DateField()
    measure = models.CharField(max_length=8)
    pattern = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "measure", "pattern"], name="one_agreement_pattern"
            )
        ]
        indexes = [models.Index(fields=["day", "project"])]

    def __str__(self) -> str:
        return f"{self.project} {self.day} {self.measure} {self.pattern}: {self.count}"


class DailyAnnotatorRollup(models.Model):
    project = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    review_seconds = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user", "day"], name="one_annotator_rollup_per_day"
            )
        ]
        indexes = [models.Index(fields=["day", "project"])]

    def __str__(self) -> str:
        return f"{self.project} {self.user_id} {self.day}"


class AlertRule(models.Model):
    class Kind(models.TextChoices):
        UNSAFE_RATE = "unsafe_rate", "Unsafe rate over the window above"
        GUARD_ERROR_RATE = "guard_error_rate", "Guard error rate over the window above"
        BACKLOG = "backlog", "Open items in the queue above"
        CIRCUIT_OPEN = "circuit_open", "Guard circuit breaker open"
        LEASE_EXPIRIES = "lease_expiries", "Review leases expired in the window above"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    project = models.CharField(max_length=100, blank=True, help_text="Blank: every project")
    threshold = models.FloatField(default=0)
    window_minutes = models.PositiveIntegerField(default=60)
    notify_in_app = models.BooleanField(default=True)
    notify_email = models.BooleanField(default=True)
    webhook_url = models.URLField(blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    class Status(models.TextChoices):
        FIRING = "firing", "Firing"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.FIRING)
    value = models.FloatField()
    message = models.TextField()
    fired_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule"],
                condition=~Q(status="resolved"),
                name="one_open_alert_per_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class OutputFeedback(models.Model):
    """A user's report about an output, sent by a product pipeline or staff."""

    output = models.ForeignKey(
        "monitoring.ModelOutput", on_delete=models.CASCADE, related_name="feedback"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.BooleanField(default=True, help_text="The user reports a problem")
    reason = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Feedback on {self.output}: {self.reason}"
