"""A real completions server without log-probabilities: the verdict from the text alone, said
so; a body that is not JSON, a text that is no guard's answer, HTTP 500: errors, never safe."""

from __future__ import annotations

import pytest

from tests.guard_server.helpers import CATEGORIES, client, conversations


def scan(guard, count=3):
    return guard.scan(conversations(count), categories=CATEGORIES, policy_key="p1")


@pytest.mark.parametrize(
    ("name", "verdict", "categories"),
    [("guard-unsafe", "unsafe", ["S1", "S10"]), ("guard-safe", "safe", [])],
)
def test_verdict_from_the_text_without_p_unsafe(text_only_servers, name, verdict, categories):
    # `transformers serve` (and its stand-in) put <|begin_of_text|> in front of every prompt,
    # hence the client's default strip_bos; the preloaded model is named by its path.
    server = text_only_servers[name]
    guard = client(server.base_url, server.model_name or name)

    results = scan(guard)

    for result in results:
        assert (result.verdict, result.categories, result.error) == (verdict, categories, "")
        assert result.p_unsafe is None
        assert not result.logprobs_available
        assert result.top_tokens == []


@pytest.mark.parametrize(
    ("prefix", "kind", "attempts"),
    [("broken", "malformed", 1), ("babble", "unexpected_text", 1), ("failing", "http_status", 3)],
)
def test_unusable_answers_are_errors(misbehaving_server, prefix, kind, attempts):
    server = misbehaving_server
    guard = client(f"http://127.0.0.1:{server.port}/{prefix}/v1", "guard-safe", max_retries=2)

    results = scan(guard, 2)

    assert [(r.verdict, r.failure_kind) for r in results] == [("error", kind)] * 2
    assert all(r.attempts == attempts for r in results)
