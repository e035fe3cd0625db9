"""Demo data: well-known public datasets with their real licenses, and one training mix."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.public import SYSTEM, Role, users_with_role
from governance.datasets.reviews import dataset_approve, dataset_reject, dataset_submit
from governance.datasets.services import dataset_create
from governance.mixes.services import training_mix_create
from governance.models import Dataset, ReviewStatus, TrainingMix
from governance.reference_data import ensure as license_catalog_ensure

HF = "https://huggingface.co/datasets/"

# name, hub id, license expression, extra fields, target status
DEMO_DATASETS: list[tuple[str, str, str, dict, str]] = [
    (
        "C4",
        "allenai/c4",
        "ODC-By-1.0",
        {
            "collection_method": "crawl",
            "languages": ["en"],
            "size_tokens": 156_000_000_000,
            "prep_language_filter": True,
            "prep_dedup": True,
            "prep_quality_filter": True,
        },
        ReviewStatus.APPROVED,
    ),
    (
        "FineWeb",
        "HuggingFaceFW/fineweb",
        "ODC-By-1.0",
        {
            "collection_method": "crawl",
            "languages": ["en"],
            "size_tokens": 15_000_000_000_000,
            "prep_dedup": True,
            "prep_quality_filter": True,
            "prep_pii_removal": True,
        },
        ReviewStatus.DRAFT,
    ),
    (
        "OpenWebText",
        "Skylion007/openwebtext",
        "CC0-1.0",
        {"collection_method": "crawl", "languages": ["en"], "size_rows": 8_013_769},
        ReviewStatus.APPROVED,
    ),
    (
        "Wikipedia (English)",
        "wikimedia/wikipedia",
        "CC-BY-SA-3.0 OR GFDL-1.3-or-later",
        {
            "languages": ["en"],
            "size_rows": 6_407_814,
            "homepage": "https://dumps.wikimedia.org",
            "license_url": "https://en.wikipedia.org/wiki/Wikipedia:Copyrights",
        },
        ReviewStatus.APPROVED,
    ),
    (
        "The Pile: Books3",
        "EleutherAI/pile",
        "LicenseRef-books3-unlicensed",
        {"contains_books_or_papers": True, "languages": ["en"], "size_rows": 196_640},
        ReviewStatus.REJECTED,
    ),
    (
        "The Pile: ArXiv",
        "EleutherAI/pile",
        "LicenseRef-arxiv-nonexclusive-distrib",
        {"contains_books_or_papers": True, "languages": ["en"]},
        ReviewStatus.DRAFT,
    ),
    (
        "The Pile: Enron Emails",
        "EleutherAI/pile",
        "LicenseRef-enron-public-record",
        {"contains_personal_data": True, "languages": ["en"], "size_rows": 517_401},
        ReviewStatus.DRAFT,
    ),
    (
        "databricks-dolly-15k",
        "databricks/databricks-dolly-15k",
        "CC-BY-SA-3.0",
        {
            "collection_method": "manual",
            "languages": ["en"],
            "size_rows": 15_011,
            "task_categories": ["question-answering", "summarization"],
        },
        ReviewStatus.APPROVED,
    ),
    (
        "OASST1",
        "OpenAssistant/oasst1",
        "Apache-2.0",
        {
            "collection_method": "manual",
            "languages": ["en", "es", "de", "ru", "zh"],
            "size_rows": 88_838,
            "prep_pii_removal": True,
            "prep_toxicity_filter": True,
        },
        ReviewStatus.APPROVED,
    ),
    (
        "Stanford Alpaca",
        "tatsu-lab/alpaca",
        "CC-BY-NC-4.0",
        {"generated_by": "OpenAI text-davinci-003", "languages": ["en"], "size_rows": 52_002},
        ReviewStatus.IN_REVIEW,
    ),
    (
        "LAION-5B",
        "laion/laion2B-en",
        "CC-BY-4.0",
        {
            "collection_method": "crawl",
            "contains_faces": True,
            "contains_personal_data": True,
            "size_rows": 5_850_000_000,
        },
        ReviewStatus.IN_REVIEW,
    ),
    (
        "The Stack",
        "bigcode/the-stack",
        "LicenseRef-the-stack-terms-of-use",
        {
            "collection_method": "crawl",
            "size_tokens": 200_000_000_000,
            "task_categories": ["text-generation"],
            "prep_dedup": True,
            "prep_pii_removal": True,
        },
        ReviewStatus.DRAFT,
    ),
    (
        "SQuAD v2",
        "rajpurkar/squad_v2",
        "CC-BY-SA-4.0",
        {"collection_method": "manual", "languages": ["en"], "size_rows": 142_192},
        ReviewStatus.DRAFT,
    ),
    (
        "GSM8K",
        "openai/gsm8k",
        "MIT",
        {"collection_method": "manual", "languages": ["en"], "size_rows": 8_792},
        ReviewStatus.APPROVED,
    ),
    (
        "MMLU",
        "cais/mmlu",
        "MIT",
        {"languages": ["en"], "size_rows": 15_908, "intended_use": "Evaluation only"},
        ReviewStatus.APPROVED,
    ),
    (
        "Anthropic HH-RLHF",
        "Anthropic/hh-rlhf",
        "MIT",
        {"collection_method": "manual", "languages": ["en"], "size_rows": 169_352},
        ReviewStatus.APPROVED,
    ),
    (
        "ShareGPT (Vicuna)",
        "anon8231489123/ShareGPT_Vicuna_unfiltered",
        "Apache-2.0",
        {
            "generated_by": "ChatGPT (gpt-3.5-turbo)",
            "contains_personal_data": True,
            "size_rows": 94_145,
        },
        ReviewStatus.IN_REVIEW,
    ),
    (
        "UltraChat",
        "stingning/ultrachat",
        "MIT",
        {"generated_by": "ChatGPT (gpt-3.5-turbo)", "languages": ["en"], "size_rows": 1_468_352},
        ReviewStatus.DRAFT,
    ),
    (
        "TinyStories",
        "roneneldan/TinyStories",
        "CDLA-Sharing-1.0",
        {"generated_by": "OpenAI GPT-3.5 and GPT-4", "languages": ["en"], "size_rows": 2_141_709},
        ReviewStatus.DRAFT,
    ),
    (
        "Common Voice 17",
        "mozilla-foundation/common_voice_17_0",
        "CC0-1.0",
        {"contains_personal_data": True, "size_rows": 31_000_000},
        ReviewStatus.DRAFT,
    ),
    (
        "S2ORC",
        "allenai/peS2o",
        "ODC-By-1.0",
        {"contains_books_or_papers": True, "languages": ["en"], "size_rows": 38_800_000},
        ReviewStatus.DRAFT,
    ),
    (
        "BookCorpus",
        "bookcorpus/bookcorpus",
        "",
        {"contains_books_or_papers": True, "languages": ["en"], "size_rows": 74_004_228},
        ReviewStatus.DRAFT,
    ),
]

DEMO_MIX = "Support assistant SFT v1"
DEMO_MIX_COMPONENTS = [
    ("OASST1", 0.4),
    ("databricks-dolly-15k", 0.3),
    ("Wikipedia (English)", 0.2),
    ("GSM8K", 0.1),
]


def load_demo(stdout) -> None:
    license_catalog_ensure()
    pm = users_with_role(Role.PM).order_by("pk").first()
    legal = users_with_role(Role.LEGAL).order_by("pk").first()
    created = 0
    for name, hub_id, expression, fields, status in DEMO_DATASETS:
        if Dataset.objects.filter(name=name).exists():
            continue
        dataset = dataset_create(
            actor=SYSTEM,
            name=name,
            hub_id=hub_id,
            homepage=fields.pop("homepage", HF + hub_id),
            license_expression=expression,
            steward=pm,
            **fields,
        )
        created += 1
        if status == ReviewStatus.DRAFT or pm is None or legal is None:
            continue
        dataset_submit(actor=pm, dataset=dataset)
        if status == ReviewStatus.APPROVED:
            dataset_approve(actor=legal, dataset=dataset, note="Demo approval.")
        elif status == ReviewStatus.REJECTED:
            dataset_reject(
                actor=legal, dataset=dataset, note="Copyrighted books without a license."
            )
    # One approval whose yearly review has come due, for the overdue list.
    hh = Dataset.objects.filter(name="Anthropic HH-RLHF", overdue_notified_at__isnull=True).first()
    if created and hh is not None and hh.is_approved:
        Dataset.objects.filter(pk=hh.pk).update(
            next_review_date=timezone.localdate() - timedelta(days=3)
        )
    if not TrainingMix.objects.filter(name=DEMO_MIX).exists():
        by_name = {d.name: d for d in Dataset.objects.filter(name__in=dict(DEMO_MIX_COMPONENTS))}
        training_mix_create(
            actor=SYSTEM,
            name=DEMO_MIX,
            description="Instruction tuning for the customer-support assistant.",
            components=[
                {"dataset": by_name[name], "weight": weight}
                for name, weight in DEMO_MIX_COMPONENTS
                if name in by_name
            ],
        )
    stdout.write(f"Governance: {created} demo datasets created, license catalog ready.")
