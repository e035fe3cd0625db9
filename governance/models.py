"""Governance records: the license catalog, the dataset inventory and training mixes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from governance import licensing

DATASET_NAME_UNIQUE = "governance_dataset_name_ci_unique"
TRAINING_MIX_NAME_UNIQUE = "governance_trainingmix_name_ci_unique"


class License(models.Model):
    """Facts about one license, keyed by its SPDX id or `LicenseRef-…`."""

    class UseClass(models.TextChoices):
        COMMERCIAL = licensing.COMMERCIAL, "Commercial use allowed"
        NON_COMMERCIAL = licensing.NON_COMMERCIAL, "Non-commercial only"
        ACADEMIC_ONLY = licensing.ACADEMIC_ONLY, "Academic / research only"
        UNSPECIFIED = licensing.UNSPECIFIED, "Unspecified"

    spdx_id = models.CharField("SPDX id", max_length=200, unique=True)
    key = models.CharField(max_length=200, unique=True, help_text="The id, lower-cased")
    name = models.CharField(max_length=300, blank=True)
    use_class = models.CharField(
        max_length=20, choices=UseClass.choices, default=UseClass.UNSPECIFIED
    )
    attribution_required = models.BooleanField(default=False)
    share_alike = models.BooleanField(default=False)
    no_derivatives = models.BooleanField(default=False)
    needs_legal_review = models.BooleanField(default=False)
    is_exception = models.BooleanField(default=False)
    curated = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    facts_source = models.CharField(max_length=200, blank=True)
    facts_version = models.CharField(max_length=50, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["spdx_id"]

    def __str__(self) -> str:
        return self.spdx_id

    def get_absolute_url(self) -> str:
        return reverse("governance:license_detail", args=[self.spdx_id])

    def as_facts(self) -> licensing.LicenseFacts:
        return licensing.LicenseFacts(
            key=self.spdx_id,
            name=self.name,
            use_class=self.use_class,
            attribution_required=self.attribution_required,
            share_alike=self.share_alike,
            no_derivatives=self.no_derivatives,
            needs_legal_review=self.needs_legal_review,
            note=self.note,
            is_exception=self.is_exception,
            source=self.facts_source,
            version=self.facts_version,
        )


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In legal review"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    REJECTED = "rejected", "Rejected"


class Dataset(models.Model):
    """One data source in the inventory, with its license, provenance and review state."""

    class CollectionMethod(models.TextChoices):
        CRAWL = "crawl", "Web crawl"
        LICENSED = "licensed", "Licensed / public release"
        USER_DATA = "user_data", "User data"
        MODEL_GENERATED = "model_generated", "Model-generated"
        MANUAL = "manual", "Written by annotators"

    name = models.CharField(max_length=200)
    version = models.CharField(max_length=100, blank=True)
    homepage = models.URLField(max_length=500, blank=True)
    hub_id = models.CharField("Hub id", max_length=200, blank=True)
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stewarded_datasets",
    )
    license_expression = models.CharField(max_length=500, blank=True)
    license_url = models.URLField(max_length=500, blank=True)
    collection_method = models.CharField(
        max_length=20, choices=CollectionMethod.choices, default=CollectionMethod.LICENSED
    )
    generated_by = models.CharField(
        max_length=200, blank=True, help_text="The model or API that generated the data"
    )
    contains_books_or_papers = models.BooleanField(default=False)
    contains_faces = models.BooleanField(default=False)
    contains_personal_data = models.BooleanField(default=False)
    web_crawled = models.BooleanField(default=False)
    languages = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    task_categories = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    size_rows = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    size_tokens = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    intended_use = models.TextField(blank=True)
    # The data-preparation checklist of the source material (§4).
    prep_language_filter = models.BooleanField("Language filter", default=False)
    prep_dedup = models.BooleanField("Deduplication (MinHash / n-gram)", default=False)
    prep_quality_filter = models.BooleanField("Quality filter", default=False)
    prep_pii_removal = models.BooleanField("PII removal", default=False)
    prep_toxicity_filter = models.BooleanField("Toxicity filter", default=False)

    status = models.CharField(
        max_length=30, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True, db_index=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # The verdict as last computed (kept for filtering; recomputed on every change).
    verdict = models.JSONField(default=dict, blank=True)
    commercial_use = models.CharField(max_length=20, default=licensing.UNKNOWN, db_index=True)
    needs_legal_review = models.BooleanField(default=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Names are unique ignoring case ("C4" and "c4" are one dataset).
            models.UniqueConstraint(Lower("name"), name=DATASET_NAME_UNIQUE),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:dataset_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status in (ReviewStatus.APPROVED, ReviewStatus.APPROVED_WITH_CONDITIONS)

    @property
    def review_overdue(self) -> bool:
        return self.next_review_date is not None and self.next_review_date < timezone.localdate()

    def flags(self) -> licensing.DatasetFlags:
        return licensing.DatasetFlags(
            contains_books_or_papers=self.contains_books_or_papers,
            contains_faces=self.contains_faces,
            contains_personal_data=self.contains_personal_data,
            web_crawled=self.web_crawled,
            generated_by=self.generated_by,
            pii_removed=self.prep_pii_removal,
        )


class TrainingMix(models.Model):
    """Datasets with weights that go into one training run; Legal approves it as a whole."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In legal review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    datasets: models.ManyToManyField[Dataset, MixComponent] = models.ManyToManyField(
        Dataset, through="MixComponent", related_name="mixes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name=TRAINING_MIX_NAME_UNIQUE),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:mix_detail", args=[self.pk])


class MixComponent(models.Model):
    mix = models.ForeignKey(TrainingMix, on_delete=models.CASCADE, related_name="components")
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")
    # The weight rule (finite, greater than zero) lives in governance.mixes.weights; the
    # check constraint is the database's last word on it.
    weight = models.FloatField(default=1.0)

    class Meta:
        ordering = ["-weight", "dataset__name"]
        constraints = [
            models.UniqueConstraint(fields=["mix", "dataset"], name="mix_component_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="mix_component_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} (weight {self.weight})"
