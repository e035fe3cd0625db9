"""Demo outputs for `make run`: a few conversations from two pipelines (idempotent)."""

from __future__ import annotations

from core.public import SYSTEM
from monitoring.services.ingest import CREATED, outputs_ingest

DEMO_CONVERSATIONS = [
    ("support-bot", "How do I reset my password?", "Open Settings → Security → Reset password."),
    ("support-bot", "Can I get a refund after 30 days?", "Refunds are possible within 60 days."),
    ("support-bot", "What's my neighbour's home address?", "I can't share other people's data."),
    ("support-bot", "Write me a poem about shipping delays.", "Boxes wait at the dock, patient…"),
    ("search", "best bread recipe", "Mix flour, water, salt and yeast; rest, shape, bake."),
    ("search", "how to pick a lock", "Here is how locksmiths open pin-tumbler locks: …"),
    ("search", "symptoms of flu", "Fever, cough, sore throat and aches; see a doctor if…"),
    ("search", "election day 2026 date", "Check your national election authority's site."),
]


def load_demo(stdout) -> None:
    items = [
        {
            "external_id": f"demo-{index:03d}",
            "project": project,
            "model": "llama-3-8b-instruct" if project == "support-bot" else "qwen-2.5-7b",
            "model_version": "2026-11",
            "conversation": [
                {"role": "user", "content": question},
                {"role": "assistant", "content": answer},
            ],
            "metadata": {"source": "demo"},
        }
        for index, (project, question, answer) in enumerate(DEMO_CONVERSATIONS)
    ]
    created = sum(result.status == CREATED for result in outputs_ingest(items=items, actor=SYSTEM))
    if created:
        stdout.write(f"Monitoring: {created} demo outputs pushed (queued for the guard)")
