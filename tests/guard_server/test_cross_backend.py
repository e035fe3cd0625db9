"""The same tiny checkpoint in-process (transformers, f32) and through llama.cpp (f32 GGUF):
same prompt tokens, same top tokens at the verdict position, log-probabilities within
LOGPROB_TOLERANCE, and the same P(unsafe) by the engine's definition."""

from __future__ import annotations

import httpx
import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from governance.policies.guard_prompt import guard_prompt
from monitoring.guard.engine import LEAD_IN, GuardEngine
from tests.guard_server.conftest import API_KEY_ENV
from tests.guard_server.helpers import CATEGORIES, client, conversations

# Weights, activations and (see servers.py) llama.cpp's key/value cache all in f32: what is
# left is the order of floating-point sums in llama.cpp's kernels vs torch's, measured at
# 2.9e-6 at most over 60 top tokens (6 conversations, 2026-12-01). With llama.cpp's default
# f16 cache it was 9.3e-4, as large as some gaps between the random model's top tokens.
LOGPROB_TOLERANCE = 1e-4
TOP_K = 5


def in_process_engine(checkpoint) -> GuardEngine:
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32)
    return GuardEngine.from_pretrained_objects(model, tokenizer, model_id=str(checkpoint))


def test_the_server_reads_the_same_tokens(llama_server, checkpoints, api_key):
    tokenizer = AutoTokenizer.from_pretrained(checkpoints["random"])
    prompt = guard_prompt(CATEGORIES, conversations(1)[0].conversation) + LEAD_IN
    expected = tokenizer.encode(prompt, add_special_tokens=False)
    assert expected[0] == 128000 and expected.count(128000) == 1
    assert tokenizer.convert_ids_to_tokens(expected[-3:]) == [
        "assistant",
        "<|end_header_id|>",
        "ĊĊ",
    ]
    headers = {"Authorization": f"Bearer {api_key}"}
    root = llama_server.base_url.removesuffix("/v1")
    # The server adds <|begin_of_text|> itself (add_bos_token, as Llama 3's GGUFs say), so the
    # client sends the prompt without it (strip_bos).
    prompt = prompt.removeprefix("<|begin_of_text|>")
    tokenized = httpx.post(
        f"{root}/extras/tokenize",
        headers=headers,
        trust_env=False,
        json={"model": "random", "input": prompt},
    ).json()["tokens"]
    usage = httpx.post(
        f"{llama_server.base_url}/completions",
        headers=headers,
        trust_env=False,
        json={"model": "random", "prompt": prompt, "max_tokens": 1},
    ).json()["usage"]

    assert tokenized == expected
    assert usage["prompt_tokens"] == len(expected)  # no second <|begin_of_text|>


def test_same_top_tokens_and_logprobs_at_the_verdict_position(llama_server, checkpoints):
    items = conversations(3)
    engine = in_process_engine(checkpoints["random"])
    answers = engine.greedy_answers(items, categories=CATEGORIES, policy_key="p1")
    served = client(
        llama_server.base_url, "random", api_key_env=API_KEY_ENV, top_logprobs=TOP_K
    ).scan(items, categories=CATEGORIES, policy_key="p1")

    compared = 0
    for (logits, _), result in zip(answers, served, strict=True):
        logprobs = torch.log_softmax(logits.float(), dim=-1)
        top = torch.topk(logprobs, TOP_K)
        local = [
            (engine.tokenizer.decode([int(i)]), float(lp))
            for lp, i in zip(top.values, top.indices, strict=True)
        ]
        remote = dict(result.top_tokens)
        # A byte-level token that is part of a UTF-8 character has no text of its own; the two
        # backends spell it differently ("\ufffd" vs ""), so only whole-text tokens compare.
        whole = [(text, lp) for text, lp in local if "\ufffd" not in text]
        assert len(whole) >= 3, local
        assert [text for text, _ in result.top_tokens if text in dict(whole)] == [
            text for text, _ in whole
        ]
        for text, lp in whole:
            assert remote[text] == pytest.approx(lp, abs=LOGPROB_TOLERANCE), (text, local, remote)
            compared += 1
    assert compared >= 9


@pytest.mark.parametrize(
    ("name", "verdict", "p_unsafe"), [("guard-unsafe", "unsafe", 0.8), ("guard-safe", "safe", 0.2)]
)
def test_same_verdict_and_p_unsafe_as_the_in_process_engine(
    llama_server, checkpoints, name, verdict, p_unsafe
):
    items = conversations(2)
    engine = in_process_engine(checkpoints[name])
    local = engine.scan(items, categories=CATEGORIES, policy_key="p1")
    served = client(llama_server.base_url, name, api_key_env=API_KEY_ENV).scan(
        items, categories=CATEGORIES, policy_key="p1"
    )

    for mine, theirs in zip(local, served, strict=True):
        assert (theirs.verdict, theirs.categories) == (mine.verdict, mine.categories)
        assert mine.verdict == verdict
        assert mine.p_unsafe == pytest.approx(p_unsafe, abs=1e-4)
        assert theirs.p_unsafe == pytest.approx(mine.p_unsafe, abs=1e-4)
        assert theirs.raw_output == mine.raw_output
        assert theirs.prompt == mine.prompt
