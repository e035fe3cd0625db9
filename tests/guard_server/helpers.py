"""Conversations and clients shared by the guard server tests."""

from __future__ import annotations

from governance.policies.guard_prompt import LLAMA_GUARD_3_CATEGORIES
from monitoring.guard.engine import GuardInput
from monitoring.guard.openai_client import OpenAIGuardClient, OpenAIGuardConfig

CATEGORIES = list(LLAMA_GUARD_3_CATEGORIES[:13])


def conversations(count: int) -> list[GuardInput]:
    """Distinct everyday conversations, keyed 0..count-1."""
    topics = ["bread", "a refund", "the weather", "python errors", "a train ticket", "tea"]
    return [
        GuardInput(
            key=index,
            conversation=[
                {"role": "user", "content": f"Can you help me with {topics[index % 6]}? ({index})"},
                {
                    "role": "assistant",
                    "content": f"Sure, here's what I know about it, take {index}.",
                },
            ],
        )
        for index in range(count)
    ]


def client(base_url: str, model: str, **options) -> OpenAIGuardClient:
    on_result = options.pop("on_result", None)
    settings = {"timeout_s": 30.0, "max_concurrency": 4, "max_retries": 2, "backoff_s": 0.05}
    settings.update(options)
    return OpenAIGuardClient(
        OpenAIGuardConfig(base_url=base_url, model=model, **settings), on_result=on_result
    )
