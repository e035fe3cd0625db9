"""The source material's plans and checklists as data, and the installer that keeps them.

`install_builtins(apps)` takes an app registry (the migration's historical one, or
`django.apps.apps`), so the data migration and the demo loader share one idempotent path.
"""

from __future__ import annotations

from decimal import Decimal

TWO_WEEK_KICKOFF: dict[str, str] = {
    "slug": "two-week-kickoff",
    "name": "Two-week kickoff",
    "description": (
        "The first two weeks of a new LLM project (source, Further Questions Q1). "
        "Key rule: the evaluation pipeline comes first — without a good evaluation you "
        "cannot tell which improvement works."
    ),
}

# key, title, day, duration (business days), weekend, depends on, gate
KickoffTask = tuple[str, str, int, int, bool, list[str], str]
KICKOFF_TASKS: list[KickoffTask] = [
    ("explore", "Data exploration and task clarification", 1, 2, False, [], ""),
    ("baseline", "Baseline with an API and few-shot prompts", 3, 2, False, ["explore"], ""),
    ("eval-pipeline", "Build the evaluation pipeline", 5, 1, False, ["explore"], ""),
    ("collect-data", "Start collecting and cleaning data", 5, 1, True, ["explore"], ""),
    (
        "first-fine-tune",
        "First fine-tune (small model, little data)",
        6,
        2,
        False,
        ["eval-pipeline", "baseline"],
        "fine_tune",
    ),
    ("error-analysis", "Evaluation and error analysis", 8, 1, False, ["first-fine-tune"], ""),
    (
        "improve",
        "Improve the data or change the model",
        9,
        1,
        False,
        ["error-analysis"],
        "",
    ),
    ("scale-up-plan", "Scale-up plan", 10, 1, False, ["improve"], ""),
]

DEBUGGING_ORDER = "debugging-order"

# slug, name, ordered, description, [(section, [items])]
CHECKLISTS = [
    (
        DEBUGGING_ORDER,
        "Debugging order: the model underperforms",
        True,
        "Work from the top: most failures are in the data (source, Further Questions Q2).",
        [
            (
                "1. Data (the most common cause)",
                [
                    "Read 100 random samples yourself",
                    "Look for label errors",
                    "Look for format mismatches",
                    "Look for bad examples",
                ],
            ),
            (
                "2. Evaluation",
                [
                    "Check that the evaluation itself is right",
                    "Check the metric code for bugs",
                ],
            ),
            (
                "3. Training",
                [
                    "Loss curve is healthy (diverging? overfitting?)",
                    "Gradient norm is stable",
                    "Learning rate is appropriate",
                ],
            ),
            (
                "4. Model choice",
                [
                    "Is there a model better suited to this task?",
                    "Would a strong API model without fine-tuning do better?",
                ],
            ),
            (
                "5. Task definition",
                [
                    "Is the task defined too hard?",
                    "Is it hard for people too?",
                ],
            ),
        ],
    ),
    (
        "training-data-preparation",
        "Training-data preparation",
        False,
        "Preprocessing, formatting and balance before training (source §4).",
        [
            (
                "Preprocessing",
                [
                    "Language filter (target languages only)",
                    "Deduplication (documents: MinHash; characters: n-gram)",
                    "Quality filter (perplexity-based, rule-based)",
                    "PII removal (names, emails, phone numbers)",
                    "Toxicity and hate-content filter",
                ],
            ),
            (
                "Format",
                [
                    "Chat template applied",
                    "Loss masking: loss only on the assistant parts",
                    "Packing short sequences with a document attention mask",
                    "Maximum-length handling (truncate or drop)",
                ],
            ),
            (
                "Balance",
                [
                    "Domain mix ratio set (math : code : general)",
                    "Language mix ratio set",
                    "Difficulty distribution checked",
                ],
            ),
        ],
    ),
    (
        "data-qa",
        "Data quality assurance",
        False,
        "Automatic checks, human sampling and monitoring of the training data (source §4).",
        [
            (
                "Automatic checks",
                [
                    "Format: JSON parses, template followed",
                    "Length distribution: too short or too long examples",
                    "Language detection: the intended language",
                    "Exact duplicates",
                ],
            ),
            (
                "Human review (sampling)",
                [
                    "Read 100-200 random samples",
                    "Error patterns found are fixed across the whole data set",
                    "Label error rate estimated for the whole data set",
                ],
            ),
            (
                "Ongoing monitoring",
                [
                    "Loss distribution during training (odd batches)",
                    "Perplexity tracked per source",
                ],
            ),
        ],
    ),
    (
        "dataset-licensing",
        "Dataset licensing",
        False,
        "License checks for training data (source §7).",
        [
            (
                "Licenses",
                [
                    "List the license of every data source",
                    "Check commercial use is allowed",
                    "Check attribution requirements",
                    "Legal review (at scale)",
                ],
            ),
        ],
    ),
    (
        "reproducibility",
        "Reproducibility",
        False,
        "Best effort against GPU non-determinism, data order and library drift (source §8).",
        [
            (
                "Best effort",
                [
                    "Seeds fixed (torch.manual_seed, numpy.random.seed)",
                    "Environment pinned (Dockerfile)",
                    "Several seeds run; variance reported",
                    "Checkpoints published",
                ],
            ),
            (
                "What to publish",
                [
                    "Exact model checkpoint",
                    "Training code and configuration",
                    "Data-processing code",
                    "Evaluation code and prompts",
                    "Hardware environment",
                ],
            ),
        ],
    ),
    (
        "performance-optimisation",
        "Performance optimisation order",
        True,
        "Find the bottleneck first, then the easy optimisations first; benchmark before and "
        "after each (tokens/s, TTFT P99, memory, quality) (source §5).",
        [
            (
                "0. Find the bottleneck",
                [
                    "Profile (nvidia-smi, torch.profiler)",
                    "Analyse logs: TTFT, TPOT, throughput over time",
                ],
            ),
            ("1. Batch size (continuous batching)", ["Benchmarked before and after"]),
            ("2. Quantisation (INT8, INT4)", ["Benchmarked before and after, quality checked"]),
            ("3. FlashAttention", ["Benchmarked before and after"]),
            ("4. KV-cache prefix caching", ["Benchmarked before and after"]),
            ("5. Speculative decoding (needs a draft model)", ["Benchmarked before and after"]),
            ("6. Tensor parallelism (more GPUs)", ["Benchmarked before and after"]),
            ("7. Custom kernels (Triton)", ["Benchmarked before and after"]),
        ],
    ),
    (
        "failure-handling",
        "Failure-handling design",
        False,
        "Expected failures and the design that absorbs them (source §5).",
        [
            (
                "Expected failures",
                [
                    "GPU OOM: smaller batches, smaller KV cache",
                    "NCCL timeout: network or GPU faults",
                    "Quality drop: distribution shift, data contamination",
                    "Latency spikes: GPU contention, network delay",
                ],
            ),
            (
                "Design",
                [
                    "Circuit breaker: fail fast after repeated failures",
                    "Timeouts set per layer",
                    "Fallback model (a smaller one)",
                    "Graceful degradation: switch features off",
                    "Alerts: loss spikes, error-rate thresholds",
                ],
            ),
            (
                "Checkpoints (training)",
                [
                    "Every 500-2000 steps",
                    "Uploaded to object storage automatically",
                    "Load-tested after saving",
                    "Keep the last N",
                ],
            ),
        ],
    ),
]

# A100 prices from the source (2025): name, low, high per GPU-hour.
PRICE_PRESETS = [
    ("on-demand", "On-demand A100 (AWS p4d)", Decimal("3.00"), Decimal("4.00")),
    ("spot", "Spot / preemptible A100", Decimal("1.00"), Decimal("1.50")),
    ("lambda", "Lambda Labs A100", Decimal("1.50"), Decimal("2.00")),
]


def install_builtins(apps) -> None:
    """Create the built-in templates and presets that are missing; never touch edited ones."""
    RoadmapTemplate = apps.get_model("planner", "RoadmapTemplate")
    TemplateTask = apps.get_model("planner", "RoadmapTemplateTask")
    ChecklistTemplate = apps.get_model("planner", "ChecklistTemplate")
    ChecklistSection = apps.get_model("planner", "ChecklistTemplateSection")
    ChecklistTemplateItem = apps.get_model("planner", "ChecklistTemplateItem")
    PricePreset = apps.get_model("planner", "PricePreset")

    plan = TWO_WEEK_KICKOFF
    template, created = RoadmapTemplate.objects.get_or_create(
        slug=plan["slug"],
        defaults={"name": plan["name"], "description": plan["description"], "builtin": True},
    )
    if created:
        tasks = {}
        for order, (key, title, day, duration, weekend, _deps, gate) in enumerate(KICKOFF_TASKS):
            tasks[key] = TemplateTask.objects.create(
                template=template,
                key=key,
                title=title,
                day=day,
                duration=duration,
                weekend=weekend,
                gate=gate,
                order=order,
            )
        for key, *_rest, deps, _gate in KICKOFF_TASKS:
            tasks[key].depends_on.set([tasks[dep] for dep in deps])

    for slug, name, ordered, description, sections in CHECKLISTS:
        checklist, created = ChecklistTemplate.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "ordered": ordered,
                "description": description,
                "builtin": True,
            },
        )
        if not created:
            continue
        for section_order, (title, items) in enumerate(sections):
            section = ChecklistSection.objects.create(
                template=checklist, title=title, order=section_order
            )
            ChecklistTemplateItem.objects.bulk_create(
                ChecklistTemplateItem(section=section, text=text, order=item_order)
                for item_order, text in enumerate(items)
            )

    for slug, name, low, high in PRICE_PRESETS:
        PricePreset.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "price_low": low, "price_high": high, "gpu": "A100"},
        )
