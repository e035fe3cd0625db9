"""Reads for governance: license facts, the inventory, verdicts, the review queue and mixes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from governance import licensing
from governance.datasets.dataset_csv import EXPORT_COLUMNS, dataset_csv_write
from governance.filtersets import DatasetFilterSet
from governance.models import Dataset, License, MixComponent, ReviewStatus, TrainingMix
from governance.reference_data import license_catalog_facts

# --- licenses --------------------------------------------------------------------------------


def license_facts_for(keys: Iterable[str]) -> dict[str, licensing.LicenseFacts]:
    """Facts for these ids from the catalog (with Legal's overrides), the pinned file otherwise."""
    wanted = {key.lower() for key in keys}
    facts = {row.key: row.as_facts() for row in License.objects.filter(key__in=wanted)}
    builtin = license_catalog_facts()
    for key in wanted - facts.keys():
        if key in builtin:
            facts[key] = builtin[key]
    return facts


def license_list(*, search: str = "", use_class: str = "", curated: bool = False) -> QuerySet:
    qs = License.objects.all()
    if search:
        qs = qs.filter(Q(spdx_id__icontains=search) | Q(name__icontains=search))
    if use_class:
        qs = qs.filter(use_class=use_class)
    if curated:
        qs = qs.filter(Q(curated=True) | Q(overridden_at__isnull=False))
    return qs.order_by("-curated", "spdx_id")


def license_get(spdx_id: str) -> License | None:
    return License.objects.filter(key=spdx_id.lower()).first()


def licenses_used_by(license_obj: License) -> QuerySet[Dataset]:
    return Dataset.objects.filter(license_expression__icontains=license_obj.spdx_id)


# --- datasets --------------------------------------------------------------------------------


def license_verdict(
    expression: str, *, flags: licensing.DatasetFlags | None = None, name: str = ""
) -> licensing.Verdict:
    """A verdict against the live catalog (raises LicenseExpressionInvalid)."""
    keys = licensing.license_keys(expression)
    if flags and flags.generated_by:
        terms = licensing.api_terms_for(flags.generated_by)
        keys += [terms] if terms else []
    return licensing.dataset_verdict(
        expression, catalog=license_facts_for(keys), flags=flags, name=name
    )


def dataset_verdict(dataset: Dataset) -> licensing.Verdict:
    keys = licensing.license_keys(dataset.license_expression)
    terms = licensing.api_terms_for(dataset.generated_by) if dataset.generated_by else None
    return licensing.dataset_verdict(
        dataset.license_expression,
        catalog=license_facts_for([*keys, *([terms] if terms else [])]),
        flags=dataset.flags(),
        name=dataset.name,
        source_url=dataset.homepage
        or (f"https://huggingface.co/datasets/{dataset.hub_id}" if dataset.hub_id else ""),
        license_url=dataset.license_url,
    )


def dataset_list(*, filters: dict | None = None) -> QuerySet[Dataset]:
    qs = Dataset.objects.select_related("steward", "reviewer")
    return DatasetFilterSet(filters or {}, queryset=qs).qs


def dataset_get(pk: int) -> Dataset | None:
    return Dataset.objects.select_related("steward", "reviewer").filter(pk=pk).first()


def datasets_awaiting_review() -> QuerySet[Dataset]:
    return Dataset.objects.filter(status=ReviewStatus.IN_REVIEW).order_by("updated_at")


def datasets_overdue_review() -> QuerySet[Dataset]:
    return (
        Dataset.objects.filter(
            next_review_date__lt=timezone.localdate(),
        )
        .exclude(status=ReviewStatus.IN_REVIEW)
        .order_by("next_review_date")
    )


def datasets_approved() -> QuerySet[Dataset]:
    return Dataset.objects.filter(
        status__in=[ReviewStatus.APPROVED, ReviewStatus.APPROVED_WITH_CONDITIONS]
    )


def inventory_counts() -> dict[str, int]:
    counts = Dataset.objects.aggregate(
        total=Count("id"),
        awaiting=Count("id", filter=Q(status=ReviewStatus.IN_REVIEW)),
        approved=Count(
            "id",
            filter=Q(status__in=[ReviewStatus.APPROVED, ReviewStatus.APPROVED_WITH_CONDITIONS]),
        ),
        rejected=Count("id", filter=Q(status=ReviewStatus.REJECTED)),
        not_commercial=Count("id", filter=Q(commercial_use=licensing.NOT_ALLOWED)),
    )
    counts["overdue"] = datasets_overdue_review().count()
    counts["mixes"] = TrainingMix.objects.count()
    counts["licenses"] = License.objects.count()
    return counts


def datasets_csv_export(datasets: Iterable[Dataset] | None = None) -> str:
    """CSV of `datasets` (every dataset by default) in the export's columns."""
    rows = Dataset.objects.select_related("steward") if datasets is None else datasets
    return dataset_csv_write(
        {
            **{name: getattr(dataset, name) for name in EXPORT_COLUMNS if name != "steward"},
            "steward": dataset.steward.username if dataset.steward else "",
        }
        for dataset in rows
    )


# --- training mixes --------------------------------------------------------------------------


def training_mix_list() -> QuerySet[TrainingMix]:
    """Every mix, for lists and pickers (name, status)."""
    return TrainingMix.objects.annotate(component_count=Count("components")).order_by("name")


def training_mix_get(pk: int) -> TrainingMix | None:
    return TrainingMix.objects.filter(pk=pk).first()


def training_mix_components(mix: TrainingMix) -> list[MixComponent]:
    return list(mix.components.select_related("dataset"))


def _mix_parts(pairs: Sequence[tuple[Dataset, float]]) -> list[licensing.MixPart]:
    return [
        licensing.MixPart(
            name=dataset.name,
            weight=float(weight),
            verdict=dataset_verdict(dataset),
            status=dataset.status,
            languages=tuple(dataset.languages),
        )
        for dataset, weight in pairs
    ]


def training_mix_preview(pairs: Sequence[tuple[Dataset, float]]) -> licensing.MixVerdict:
    """The verdict of datasets with weights that are not (yet) saved as a mix."""
    return licensing.training_mix_verdict(_mix_parts(pairs))


def training_mix_verdict(mix: TrainingMix) -> licensing.MixVerdict:
    return training_mix_preview([(c.dataset, c.weight) for c in training_mix_components(mix)])


def training_mix_notice(mix: TrainingMix) -> str:
    pairs = [(c.dataset, c.weight) for c in training_mix_components(mix)]
    return licensing.attribution_notice(mix.name, _mix_parts(pairs))


def training_mix_dataset_problems(mix: TrainingMix) -> list[str]:
    """Sentences for the mix's datasets that are not approved, and for its conflicts."""
    components = training_mix_components(mix)
    problems: list[str] = []
    if not components:
        problems.append(f"Training mix '{mix.name}' has no datasets.")
    for component in components:
        dataset = component.dataset
        if dataset.status == ReviewStatus.REJECTED:
            problems.append(f"Dataset '{dataset.name}' in the mix is rejected.")
        elif not dataset.is_approved:
            problems.append(
                f"Dataset '{dataset.name}' in the mix is not approved yet "
                f"({dataset.get_status_display().lower()})."
            )
    if components:
        problems += training_mix_verdict(mix).conflicts
    return problems


def training_mix_blockers(mix: TrainingMix) -> list[str]:
    """What keeps the mix from being used for training; empty once Legal has approved it.

    A dataset rejected after the mix was approved still blocks it, and so does one sent back to
    draft because its license or content flags changed: Legal approved other terms.
    """
    if mix.status == TrainingMix.Status.APPROVED:
        return training_mix_dataset_problems(mix)
    status_sentence = {
        TrainingMix.Status.DRAFT: f"Training mix '{mix.name}' has not been submitted for "
        "legal review.",
        TrainingMix.Status.IN_REVIEW: f"Training mix '{mix.name}' is awaiting legal review.",
        TrainingMix.Status.REJECTED: f"Training mix '{mix.name}' was rejected by Legal.",
    }[TrainingMix.Status(mix.status)]
    return [status_sentence, *training_mix_dataset_problems(mix)]


def training_mixes_awaiting_review() -> QuerySet[TrainingMix]:
    return TrainingMix.objects.filter(status=TrainingMix.Status.IN_REVIEW)
