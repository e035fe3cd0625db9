"""Reads for governance: license facts, the inventory, verdicts, the review queue and mixes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from core.public import csv_text
from governance import licensing
from governance.datasets.dataset_csv import EXPORT_COLUMNS, dataset_csv_rows
from governance.filtersets import DatasetFilterSet, LicenseFilterSet, TrainingMixFilterSet
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


def license_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[License]:
    """The catalog, curated licenses first, filtered by LicenseFilterSet's parameters."""
    qs = License.objects.select_related("overridden_by").order_by("-curated", "spdx_id")
    return LicenseFilterSet(filters, queryset=qs).qs if filters is not None else qs


def license_get(spdx_id: str) -> License | None:
    return License.objects.filter(key=spdx_id.lower()).first()


def licenses_used_by(license_obj: License) -> QuerySet[Dataset]:
    return Dataset.objects.filter(license_expression__icontains=license_obj.spdx_id)


# --- datasets --------------------------------------------------------------------------------


def _verdict_keys(dataset: Dataset) -> list[str]:
    keys = licensing.license_keys(dataset.license_expression)
    terms = licensing.api_terms_for(dataset.generated_by) if dataset.generated_by else None
    return [*keys, *([terms] if terms else [])]


def dataset_verdicts(datasets: Sequence[Dataset]) -> list[licensing.Verdict]:
    """The verdict of each dataset, in order, with one catalog query for all of them."""
    keys = [_verdict_keys(dataset) for dataset in datasets]
    catalog = license_facts_for(key for dataset_keys in keys for key in dataset_keys)
    return [
        licensing.dataset_verdict(
            dataset.license_expression,
            catalog=catalog,
            flags=dataset.flags(),
            name=dataset.name,
            source_url=dataset.homepage
            or (f"https://huggingface.co/datasets/{dataset.hub_id}" if dataset.hub_id else ""),
            license_url=dataset.license_url,
        )
        for dataset in datasets
    ]


def dataset_verdict(dataset: Dataset) -> licensing.Verdict:
    return dataset_verdicts([dataset])[0]


def dataset_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Dataset]:
    """The inventory, filtered by DatasetFilterSet's parameters."""
    qs = Dataset.objects.select_related("steward", "reviewer")
    return DatasetFilterSet(filters, queryset=qs).qs if filters is not None else qs


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
    records = (
        {
            **{name: getattr(dataset, name) for name in EXPORT_COLUMNS if name != "steward"},
            "steward": dataset.steward.username if dataset.steward else "",
        }
        for dataset in rows
    )
    return csv_text(EXPORT_COLUMNS, dataset_csv_rows(records))


# --- training mixes --------------------------------------------------------------------------


def _components_prefetch(mixes: Iterable[TrainingMix]) -> None:
    """Load the components (with their datasets) of every mix in one query, unless loaded."""
    prefetch_related_objects(
        list(mixes),
        Prefetch("components", queryset=MixComponent.objects.select_related("dataset")),
    )


def training_mix_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[TrainingMix]:
    """Every mix with its number of datasets, filtered by TrainingMixFilterSet's parameters."""
    qs = TrainingMix.objects.annotate(component_count=Count("components")).order_by("name")
    return TrainingMixFilterSet(filters, queryset=qs).qs if filters is not None else qs


def training_mix_get(pk: int) -> TrainingMix | None:
    return TrainingMix.objects.filter(pk=pk).first()


def training_mix_components(mix: TrainingMix) -> list[MixComponent]:
    _components_prefetch([mix])
    return list(mix.components.all())


def _mix_parts(
    pairs: Sequence[tuple[Dataset, float]], verdicts: Mapping[int, licensing.Verdict]
) -> list[licensing.MixPart]:
    return [
        licensing.MixPart(
            name=dataset.name,
            weight=float(weight),
            verdict=verdicts[id(dataset)],
            status=dataset.status,
            languages=tuple(dataset.languages),
        )
        for dataset, weight in pairs
    ]


def _verdicts_by_object(datasets: Sequence[Dataset]) -> dict[int, licensing.Verdict]:
    unique = list({id(dataset): dataset for dataset in datasets}.values())
    return {id(d): verdict for d, verdict in zip(unique, dataset_verdicts(unique), strict=True)}


def training_mix_preview(pairs: Sequence[tuple[Dataset, float]]) -> licensing.MixVerdict:
    """The verdict of datasets with weights that are not (yet) saved as a mix."""
    verdicts = _verdicts_by_object([dataset for dataset, _ in pairs])
    return licensing.training_mix_verdict(_mix_parts(pairs, verdicts))


def training_mix_verdicts(mixes: Sequence[TrainingMix]) -> dict[int, licensing.MixVerdict]:
    """The verdict of each mix by id: two queries for any number of mixes."""
    _components_prefetch(mixes)
    pairs = {mix.pk: [(c.dataset, c.weight) for c in mix.components.all()] for mix in mixes}
    verdicts = _verdicts_by_object([dataset for rows in pairs.values() for dataset, _ in rows])
    return {
        pk: licensing.training_mix_verdict(_mix_parts(rows, verdicts)) for pk, rows in pairs.items()
    }


def training_mix_verdict(mix: TrainingMix) -> licensing.MixVerdict:
    return training_mix_verdicts([mix])[mix.pk]


def training_mix_notice(mix: TrainingMix) -> str:
    pairs = [(c.dataset, c.weight) for c in training_mix_components(mix)]
    return licensing.attribution_notice(
        mix.name, _mix_parts(pairs, _verdicts_by_object([d for d, _ in pairs]))
    )


def training_mix_dataset_problems(
    mix: TrainingMix, *, verdict: licensing.MixVerdict | None = None
) -> list[str]:
    """Sentences for the mix's datasets that are not approved, and for its conflicts
    (`verdict`: the mix's verdict when the caller has it already)."""
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
        problems += (verdict or training_mix_verdict(mix)).conflicts
    return problems


def training_mix_blockers(
    mix: TrainingMix, *, verdict: licensing.MixVerdict | None = None
) -> list[str]:
    """What keeps the mix from being used for training; empty once Legal has approved it.

    A dataset rejected after the mix was approved still blocks it, and so does one sent back to
    draft because its license or content flags changed: Legal approved other terms.
    """
    if mix.status == TrainingMix.Status.APPROVED:
        return training_mix_dataset_problems(mix, verdict=verdict)
    status_sentence = {
        TrainingMix.Status.DRAFT: f"Training mix '{mix.name}' has not been submitted for "
        "legal review.",
        TrainingMix.Status.IN_REVIEW: f"Training mix '{mix.name}' is awaiting legal review.",
        TrainingMix.Status.REJECTED: f"Training mix '{mix.name}' was rejected by Legal.",
    }[TrainingMix.Status(mix.status)]
    return [status_sentence, *training_mix_dataset_problems(mix, verdict=verdict)]


def training_mixes_awaiting_review() -> QuerySet[TrainingMix]:
    return (
        TrainingMix.objects.filter(status=TrainingMix.Status.IN_REVIEW)
        .annotate(component_count=Count("components"))
        .order_by("updated_at")
    )
