"""The OpenAI-compatible guard client against a real llama.cpp server, faults included."""

from __future__ import annotations

import logging
import threading

import pytest

from monitoring.guard.engine import GuardInput
from monitoring.guard.openai_client import ENDPOINT_FAILURES
from tests.guard_server.conftest import API_KEY_ENV
from tests.guard_server.helpers import CATEGORIES, client, conversations
from tests.guard_server.servers import free_port


def scan(guard, items):
    return guard.scan(items, categories=CATEGORIES, policy_key="p1")


def test_a_batch_gets_verdicts_with_p_unsafe_and_top_tokens(llama_server):
    items = conversations(4)
    items.append(GuardInput(key="copy", conversation=items[0].conversation))
    items.append(GuardInput(key="bad", conversation=[{"role": "robot", "content": "hi"}]))
    guard = client(llama_server.base_url, "guard-unsafe", api_key_env=API_KEY_ENV)

    results = scan(guard, items)

    assert [result.key for result in results] == [0, 1, 2, 3, "copy", "bad"]
    for result in results[:5]:
        assert (result.verdict, result.categories, result.error) == ("unsafe", ["S1", "S10"], "")
        assert result.logprobs_available
        assert result.p_unsafe == pytest.approx(0.8, abs=1e-3)
        assert [token for token, _ in result.top_tokens[:2]] == ["unsafe", "safe"]
        assert result.raw_output == "\n\nunsafe\nS1,S10"
        assert result.prompt.endswith("<|start_header_id|>assistant<|end_header_id|>")
    assert results[5].verdict == "error"
    assert results[5].failure_kind == "prompt"
    assert results[5].attempts == 0


def test_a_safe_answer_keeps_its_probability(llama_server):
    guard = client(llama_server.base_url, "guard-safe", api_key_env=API_KEY_ENV)

    results = scan(guard, conversations(3))

    assert {result.verdict for result in results} == {"safe"}
    assert all(result.p_unsafe == pytest.approx(0.2, abs=1e-3) for result in results)


def test_a_model_that_does_not_answer_as_a_guard_is_an_error(llama_server):
    guard = client(llama_server.base_url, "random", api_key_env=API_KEY_ENV)

    results = scan(guard, conversations(2))

    assert {result.verdict for result in results} == {"error"}
    assert {result.failure_kind for result in results} == {"not_a_guard"}
    assert all(len(result.top_tokens) >= 5 for result in results)


def test_a_wrong_or_missing_api_key_fails_without_revealing_it(
    llama_server, api_key, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("WRONG_GUARD_KEY", "sk-wrong-0123456789")
    wrong = scan(
        client(llama_server.base_url, "guard-safe", api_key_env="WRONG_GUARD_KEY"), conversations(2)
    )
    missing = scan(
        client(llama_server.base_url, "guard-safe", api_key_env="UNSET_GUARD_KEY"), conversations(2)
    )

    assert [(r.verdict, r.failure_kind) for r in wrong] == [("error", "http_status")] * 2
    assert "HTTP 401" in wrong[0].error
    assert wrong[0].attempts == 1  # a refusal is not retried
    assert [(r.verdict, r.failure_kind) for r in missing] == [("error", "api_key")] * 2
    assert "UNSET_GUARD_KEY" in missing[0].error
    everything = caplog.text + repr(wrong) + repr(missing)
    assert "sk-wrong-0123456789" not in everything
    assert api_key not in everything


# -- faults: every item ends as a failure or as the model's real answer, never as a pass ------


def test_server_killed_mid_batch(doomed_llama_server):
    lock = threading.Lock()

    def kill_after_first(result) -> None:
        with lock:
            if doomed_llama_server.process.poll() is None:
                doomed_llama_server.kill()

    guard = client(
        doomed_llama_server.base_url, "guard-safe", max_concurrency=2, on_result=kill_after_first
    )
    results = scan(guard, conversations(8))

    assert len(results) == 8
    failed = [result for result in results if result.verdict == "error"]
    answered = [result for result in results if result.verdict != "error"]
    # The first answer triggers the kill; the other request in flight may have been answered.
    assert 1 <= len(answered) <= 2
    for result in answered:  # the model's own answer, not a default
        assert (result.verdict, result.failure_kind) == ("safe", "")
        assert result.p_unsafe == pytest.approx(0.2, abs=1e-3)
    for result in failed:
        assert result.failure_kind in ENDPOINT_FAILURES
        assert result.p_unsafe is None
    assert any(result.attempts == 3 for result in failed)  # retried, then given up


def test_server_slower_than_the_timeout(llama_server):
    guard = client(
        llama_server.base_url,
        "guard-safe",
        api_key_env=API_KEY_ENV,
        timeout_s=0.001,
        connect_timeout_s=5.0,
    )

    results = scan(guard, conversations(4))

    assert [(r.verdict, r.failure_kind) for r in results] == [("error", "timeout")] * 4
    assert all(r.attempts == 1 for r in results)  # timeouts are not retried by default


def test_wrong_port(llama_server):
    guard = client(f"http://127.0.0.1:{free_port()}/v1", "guard-safe", max_retries=2)

    results = scan(guard, conversations(4))

    assert [(r.verdict, r.failure_kind) for r in results] == [("error", "connection")] * 4
    assert all(r.attempts == 3 for r in results)
    assert "after 3 attempts" in results[0].error


def test_scan_works_from_a_thread_that_already_runs_an_event_loop(llama_server):
    """Playwright's sync API, notebooks and async frameworks keep a loop running in the
    thread; `scan` must still answer there instead of raising."""
    import asyncio

    guard = client(llama_server.base_url, "guard-unsafe", api_key_env=API_KEY_ENV)

    async def inside_a_loop():
        return scan(guard, conversations(2))

    # A thread of its own, so the test does not depend on what loop this thread runs.
    answers: list = []
    worker = threading.Thread(target=lambda: answers.append(asyncio.run(inside_a_loop())))
    worker.start()
    worker.join(timeout=60)
    assert [result.verdict for result in answers[0]] == ["unsafe", "unsafe"]
