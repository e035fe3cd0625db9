"""How the client reads a server's answer, for formats and cases no test server produces:
the chat-style log-probabilities some servers put on /completions, and a 'safe' that the
log-probabilities contradict. No server: these are answers as they arrive, parsed."""

from __future__ import annotations

import math

import pytest

from monitoring.guard.openai_client import OpenAIGuardClient, OpenAIGuardConfig

ALLOWED = ["S1", "S2"]


def read(body):
    guard = OpenAIGuardClient(OpenAIGuardConfig(base_url="http://unused/v1", model="guard"))
    return guard.read_answer("k", body, ALLOWED)


def legacy(text, top):
    first = max(top, key=top.get)
    return {
        "choices": [
            {
                "text": text,
                "logprobs": {
                    "tokens": [first],
                    "token_logprobs": [top[first]],
                    "top_logprobs": [top],
                },
            }
        ]
    }


def chat_style(text, top):
    first = max(top, key=top.get)
    return {
        "choices": [
            {
                "text": text,
                "logprobs": {
                    "content": [
                        {
                            "token": first,
                            "logprob": top[first],
                            "top_logprobs": [{"token": t, "logprob": lp} for t, lp in top.items()],
                        }
                    ]
                },
            }
        ]
    }


@pytest.mark.parametrize("shape", [legacy, chat_style])
def test_p_unsafe_from_either_logprobs_format(shape):
    top = {
        "unsafe": math.log(0.6),
        " unsafe": math.log(0.1),
        "safe": math.log(0.2),
        "maybe": math.log(0.05),
    }

    result = read(shape("unsafe\nS2<|eot_id|>", top))

    assert (result.verdict, result.categories, result.failure_kind) == ("unsafe", ["S2"], "")
    assert result.p_unsafe == pytest.approx(0.7 / 0.9)
    assert result.raw_output == "\n\nunsafe\nS2"
    assert result.top_tokens[0] == ("unsafe", pytest.approx(math.log(0.6)))


def test_a_safe_text_that_the_logprobs_contradict_is_an_error():
    top = {"unsafe": math.log(0.7), "safe": math.log(0.3)}

    result = read(legacy("safe", top))

    assert (result.verdict, result.failure_kind) == ("error", "unexpected_text")
    assert result.p_unsafe == pytest.approx(0.7)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"choices": []},
        {"choices": [{"text": 3}]},
        ["not", "an", "object"],
        {"choices": [{"text": "safe", "logprobs": {"top_logprobs": "?"}}]},
        {
            "choices": [
                {
                    "text": "safe",
                    "logprobs": {
                        "tokens": ["safe"],
                        "token_logprobs": [0.5],
                        "top_logprobs": [{"safe": 0.5}],
                    },
                }
            ]
        },
    ],
)
def test_malformed_answers_are_errors(body):
    result = read(body)

    assert (result.verdict, result.failure_kind) == ("error", "malformed")


def test_no_logprobs_means_a_verdict_from_the_text_and_no_probability():
    result = read({"choices": [{"text": "\n\nsafe", "logprobs": None}]})

    assert (result.verdict, result.p_unsafe, result.logprobs_available) == ("safe", None, False)
