"""Score conversations with a Llama Guard model behind an OpenAI-compatible server, fail closed.

vLLM, SGLang, TGI, llama.cpp's server and hosted APIs all answer the legacy completions API,
`POST {base_url}/completions`. This backend sends each conversation as the exact prompt
Steward builds (`governance.policies.public.guard_prompt`, not the server's chat
template) followed by the blank line the guard writes before its verdict, so that the first
generated token is the verdict token, with temperature 0, a few tokens, and `logprobs` (the
top-k log-probabilities of each generated token) when the server gives them.

P(unsafe) has the in-process engine's definition (`GuardEngine._result`): at the verdict
position, the probability of the tokens whose text is "safe" / "unsafe" (as is, capitalised or
upper-case, with or without a leading space), P(unsafe) / (P(safe) + P(unsafe)); below
`MIN_VERDICT_MASS` of probability on them the model is not acting as a guard and the item is
an error. The engine sums over the whole vocabulary, the server returns only its top k; a
verdict token outside the top k has less probability than the k-th, so with k >= 5 the two
agree to within that k-th probability (tiny for a model that answers like a guard).

A server that returns no log-probabilities (`transformers serve`, some hosted APIs) gives a
verdict from the text alone: `p_unsafe` is None and `logprobs_available` False, so a caller
knows the low-confidence band cannot apply.

Requests of a batch go out concurrently, at most `max_concurrency` at a time, each with its own
timeout; connection errors, 429 and 5xx are retried with exponential backoff. Every failure
(connection refused, timeout, an HTTP error after the retries, a malformed body, text that is
not a guard's answer, a prompt that cannot be built) comes back as that item's result with
verdict "error", never as "safe"; `failure_kind` says which, so a circuit breaker can count the
endpoint's own failures (`ENDPOINT_FAILURES`) apart from answers that were merely unusable.

The API key is read from the environment variable the config names, at each scan; it is sent
as a bearer token and never logged, put in an error, or kept on the config.

Mapping onto the in-process engine (`monitoring.guard.engine`), so it can slot in later:
  - input: `GuardInput(key, conversation)`; `scan(items, categories=, role=, policy_key=,
    with_descriptions=)` has `GuardEngine.scan`'s signature and returns one result per item, in
    order, identical conversations scored once. `policy_key` is accepted for parity and unused:
    servers with automatic prefix caching (vLLM, SGLang) share the policy prefix by themselves.
  - output: `ServerGuardResult` is a `GuardResult` (same fields, same meaning: verdict
    "safe" / "unsafe" / "error", categories, p_unsafe, raw_output starting with the blank line,
    error, latency_ms of this item's request, prompt) plus `logprobs_available`,
    `top_tokens` [(text, logprob)] at the verdict position, `failure_kind` and `attempts`.
  - differences: the engine truncates a conversation longer than its context (`truncated`);
    a server refuses it (HTTP 400, `failure_kind` "http_status") and `truncated` stays False.
    A failure of the whole batch is per-item errors here, where the engine raises.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from governance.policies.public import GuardCategory, GuardPromptError, guard_prompt
from monitoring.guard.engine import (
    LEAD_IN,
    MAX_CODE_TOKENS,
    MIN_VERDICT_MASS,
    GuardInput,
    GuardResult,
)
from monitoring.guard.parsing import parse_guard_answer

logger = logging.getLogger(__name__)

# Llama 3's special tokens, as they appear in the prompt's text and in some servers' answers.
BEGIN_OF_TEXT = "<|begin_of_text|>"
END_OF_TURN = "<|eot_id|>"

# The texts of the verdict tokens, as the engine's `_single_token_ids` spells them.
SAFE_TEXTS = frozenset(
    prefix + variant for variant in ("safe", "Safe", "SAFE") for prefix in ("", " ")
)
UNSAFE_TEXTS = frozenset(
    prefix + variant for variant in ("unsafe", "Unsafe", "UNSAFE") for prefix in ("", " ")
)
# Servers that do not skip special tokens in `text` may end it with one of these.
STOP_TEXTS = (END_OF_TURN, "<|end_of_text|>", "<|eom_id|>")
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Failures of the endpoint itself (what a circuit breaker counts), as opposed to answers that
# came back but could not be used.
ENDPOINT_FAILURES = frozenset(
    {"connection", "timeout", "http_status", "malformed", "api_key", "unexpected_error"}
)


@dataclass(frozen=True)
class OpenAIGuardConfig:
    """One model endpoint. `base_url` includes the API prefix, as the OpenAI SDK's does
    (`http://vllm:8000/v1`); `api_key_env` names the variable that holds the key, if any."""

    base_url: str
    model: str
    api_key_env: str = ""
    timeout_s: float = 30.0
    connect_timeout_s: float = 5.0
    max_concurrency: int = 8
    max_retries: int = 2
    backoff_s: float = 0.5
    backoff_max_s: float = 8.0
    # A slow server rarely gets faster for being asked again; retrying timeouts multiplies
    # the latency of every scan queued behind it.
    retry_timeouts: bool = False
    # How many alternatives per generated token to ask for; 0 never asks for log-probabilities.
    top_logprobs: int = 5
    max_tokens: int = MAX_CODE_TOKENS + 1
    # Servers put <|begin_of_text|> in front of a completions prompt themselves (llama.cpp
    # when the GGUF says add_bos_token, as Llama 3's do; vLLM and SGLang unless the request
    # says add_special_tokens: false; TGI; `transformers serve`), and a second one changes the
    # model's answer: so the prompt goes without its own. False only for a server that adds
    # nothing, or with extra_body={"add_special_tokens": False} on vLLM.
    strip_bos: bool = True
    # Extra fields for the request body.
    extra_body: Mapping[str, Any] = field(default_factory=dict)
    # Whether HTTP(S)_PROXY / NO_PROXY from the environment apply (a hosted API behind a
    # corporate proxy); off by default so that a proxy meant for the web never sees guard
    # traffic to a server on the local network.
    use_env_proxy: bool = False


@dataclass
class ServerGuardResult(GuardResult):
    # False when the server gave no log-probabilities: the verdict comes from the text alone.
    logprobs_available: bool = False
    # The server's top tokens at the verdict position: [(text, logprob)], most likely first.
    top_tokens: list[tuple[str, float]] = field(default_factory=list)
    # "" on success; else connection, timeout, http_status, malformed, api_key,
    # unexpected_error (ENDPOINT_FAILURES), or not_a_guard, unexpected_text, prompt (the
    # answer or the input could not be used).
    failure_kind: str = ""
    attempts: int = 0


class _Failure(Exception):
    def __init__(self, kind: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable
        self.attempts = 0


class OpenAIGuardClient:
    """Scans batches against one endpoint; `scan` is synchronous (a Celery worker's thread),
    `ascan` the same for callers already in an event loop."""

    def __init__(
        self,
        config: OpenAIGuardConfig,
        *,
        on_result: Callable[[ServerGuardResult], None] | None = None,
    ) -> None:
        if config.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.config = config
        # Called as each item's result is known (progress, saving early, tests).
        self.on_result = on_result
        self._logprobs_refused = False

    # -- public API -----------------------------------------------------------------------

    def scan(
        self,
        items: list[GuardInput],
        *,
        categories: list[GuardCategory],
        role: str = "Agent",
        policy_key: str = "",
        with_descriptions: bool = False,
    ) -> list[ServerGuardResult]:
        """One result per item, in order; never raises for an item's or the server's failure.
        Runs its own event loop (in a helper thread when this thread already runs one, as
        under an async framework); from async code, await `ascan` instead."""

        def run() -> list[ServerGuardResult]:
            return asyncio.run(
                self.ascan(
                    items,
                    categories=categories,
                    role=role,
                    policy_key=policy_key,
                    with_descriptions=with_descriptions,
                )
            )

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return run()
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(run).result()

    async def ascan(
        self,
        items: list[GuardInput],
        *,
        categories: list[GuardCategory],
        role: str = "Agent",
        policy_key: str = "",
        with_descriptions: bool = False,
    ) -> list[ServerGuardResult]:
        allowed = [category.code for category in categories]
        results: dict[int, ServerGuardResult] = {}
        prompts: dict[int, str] = {}
        first_seen: dict[str, int] = {}
        duplicates: dict[int, int] = {}
        for index, item in enumerate(items):
            try:
                prompt = guard_prompt(
                    categories, item.conversation, role=role, with_descriptions=with_descriptions
                )
            except GuardPromptError as exc:
                message = f"Cannot build the guard prompt: {exc}"
                results[index] = _failed(item.key, "prompt", message)
                continue
            if prompt in first_seen:
                duplicates[index] = first_seen[prompt]
            else:
                first_seen[prompt] = index
                prompts[index] = prompt
        headers, key_problem = self._headers()
        if key_problem:
            for index in prompts:
                results[index] = _failed(items[index].key, "api_key", key_problem)
            prompts = {}
        if prompts:
            timeout = httpx.Timeout(self.config.timeout_s, connect=self.config.connect_timeout_s)
            limits = httpx.Limits(
                max_connections=self.config.max_concurrency,
                max_keepalive_connections=self.config.max_concurrency,
            )
            gate = asyncio.Semaphore(self.config.max_concurrency)
            async with httpx.AsyncClient(
                timeout=timeout,
                limits=limits,
                headers=headers,
                trust_env=self.config.use_env_proxy,
            ) as http:
                scored = await asyncio.gather(
                    *(
                        self._scan_one(http, gate, items[index].key, prompt, allowed)
                        for index, prompt in prompts.items()
                    )
                )
            results.update(zip(prompts, scored, strict=True))
        for index, original in duplicates.items():
            results[index] = replace(results[original], key=items[index].key)
        return [results[index] for index in range(len(items))]

    def health(self) -> str:
        """ "" when `GET {base_url}/models` answers 200 within the timeouts; else why not."""
        headers, key_problem = self._headers()
        if key_problem:
            return key_problem
        try:
            response = httpx.get(
                self._url("models"),
                headers=headers,
                timeout=httpx.Timeout(self.config.timeout_s, connect=self.config.connect_timeout_s),
                trust_env=self.config.use_env_proxy,
            )
        except httpx.HTTPError as exc:
            return self._redact(f"{type(exc).__name__}: {exc}")
        return "" if response.status_code == 200 else f"HTTP {response.status_code}"

    # -- one item -------------------------------------------------------------------------

    async def _scan_one(
        self,
        http: httpx.AsyncClient,
        gate: asyncio.Semaphore,
        key: Any,
        prompt: str,
        allowed: list[str],
    ) -> ServerGuardResult:
        async with gate:
            started = time.perf_counter()
            attempts = 0
            try:
                body, attempts = await self._post_with_retries(http, prompt)
            except _Failure as exc:
                result = _failed(key, exc.kind, self._redact(str(exc)))
                attempts = exc.attempts
            except Exception as exc:  # anything else still ends as this item's error
                logger.exception("Guard endpoint %s: unexpected error", self.config.base_url)
                message = self._redact(f"Unexpected error calling the guard server: {exc!r}")
                result = _failed(key, "unexpected_error", message)
            else:
                result = self.read_answer(key, body, allowed)
            result.prompt = prompt
            result.attempts = attempts
            result.latency_ms = (time.perf_counter() - started) * 1000
        if result.failure_kind:
            logger.warning("Guard endpoint %s: %s", self.config.base_url, result.error)
        if self.on_result is not None:
            try:
                self.on_result(result)
            except Exception:  # a failing observer must not lose the batch's results
                logger.exception("Guard client: on_result failed")
        return result

    async def _post_with_retries(self, http: httpx.AsyncClient, prompt: str) -> tuple[Any, int]:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._post(http, prompt), attempt
            except _Failure as exc:
                exc.attempts = attempt
                if not exc.retryable or attempt > self.config.max_retries:
                    if attempt > 1:
                        exc.args = (f"{exc.args[0]} (after {attempt} attempts)",)
                    raise
            delay = min(self.config.backoff_max_s, self.config.backoff_s * 2 ** (attempt - 1))
            await asyncio.sleep(delay)

    async def _post(self, http: httpx.AsyncClient, prompt: str) -> Any:
        if self.config.strip_bos and prompt.startswith(BEGIN_OF_TEXT):
            prompt = prompt[len(BEGIN_OF_TEXT) :]
        body: dict[str, Any] = {
            "model": self.config.model,
            "prompt": prompt + LEAD_IN,
            "max_tokens": self.config.max_tokens,
            "temperature": 0,
            "stop": [END_OF_TURN],
            "stream": False,
        }
        asks_logprobs = self.config.top_logprobs > 0 and not self._logprobs_refused
        if asks_logprobs:
            body["logprobs"] = self.config.top_logprobs
        body.update(self.config.extra_body)
        try:
            response = await http.post(self._url("completions"), json=body)
        except httpx.TimeoutException as exc:
            raise _Failure(
                "timeout",
                f"The guard server did not answer within the timeout ({type(exc).__name__})",
                retryable=self.config.retry_timeouts,
            ) from None
        except httpx.TransportError as exc:
            raise _Failure(
                "connection",
                f"Cannot reach the guard server: {type(exc).__name__}: {exc}",
                retryable=True,
            ) from None
        if response.status_code in {400, 422} and asks_logprobs and "logprob" in response.text:
            # A server that refuses the parameter: ask once more without it, and from now on.
            self._logprobs_refused = True
            return await self._post(http, prompt)
        if response.status_code != 200:
            raise _Failure(
                "http_status",
                f"The guard server answered HTTP {response.status_code}: "
                f"{_shorten(response.text)!r}",
                retryable=response.status_code in RETRYABLE_STATUS,
            )
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _Failure(
                "malformed", f"The guard server's answer is not JSON: {_shorten(response.text)!r}"
            ) from None

    # -- reading the answer ---------------------------------------------------------------

    def read_answer(self, key: Any, body: Any, allowed: list[str]) -> ServerGuardResult:
        """The result for one decoded answer body; whatever cannot be read is an error."""
        try:
            return self._result(key, body, allowed)
        except _Failure as exc:
            return _failed(key, exc.kind, self._redact(str(exc)))

    def _result(self, key: Any, body: Any, allowed: list[str]) -> ServerGuardResult:
        text, logprobs = _choice(body)
        for stop in STOP_TEXTS:
            text = text.split(stop, 1)[0]
        raw = LEAD_IN + text
        result = ServerGuardResult(key=key, verdict="error", raw_output=raw)
        if logprobs is not None:
            top = _verdict_top_tokens(logprobs)
            result.logprobs_available = True
            result.top_tokens = top
            p_safe = sum(math.exp(lp) for token, lp in top if token in SAFE_TEXTS)
            p_unsafe = sum(math.exp(lp) for token, lp in top if token in UNSAFE_TEXTS)
            mass = p_safe + p_unsafe
            if mass < MIN_VERDICT_MASS:
                result.failure_kind = "not_a_guard"
                result.error = (
                    "The model is not answering as a guard: P(safe) + P(unsafe) = "
                    f"{mass:.3f} at the verdict position (wrong model, tokenizer or template?)"
                )
                return result
            result.p_unsafe = p_unsafe / mass
        parsed = parse_guard_answer(raw, allowed)
        if parsed.verdict == "error":
            result.failure_kind, result.error = "unexpected_text", parsed.error
            return result
        if parsed.verdict == "safe" and result.p_unsafe is not None and result.p_unsafe > 0.5:
            # Greedy decoding cannot write "safe" where "unsafe" is likelier: the server is not
            # decoding as asked, and its text is not to be trusted as a pass.
            result.failure_kind = "unexpected_text"
            result.error = (
                f"The guard wrote 'safe' with P(unsafe) = {result.p_unsafe:.3f} at the verdict "
                "position (is the server ignoring temperature 0?)"
            )
            return result
        result.verdict, result.categories = parsed.verdict, parsed.categories
        return result

    # -- helpers --------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.config.base_url.rstrip("/") + "/" + path

    def _api_key(self) -> str:
        return os.environ.get(self.config.api_key_env, "") if self.config.api_key_env else ""

    def _headers(self) -> tuple[dict[str, str], str]:
        if not self.config.api_key_env:
            return {}, ""
        key = self._api_key()
        if not key:
            return {}, f"The API key variable {self.config.api_key_env} is not set"
        return {"Authorization": f"Bearer {key}"}, ""

    def _redact(self, message: str) -> str:
        key = self._api_key()
        return message.replace(key, "[API key]") if key else message


def _choice(body: Any) -> tuple[str, Any]:
    """(text, logprobs or None) of the one choice; anything else is a malformed answer."""
    try:
        choice = body["choices"][0]
        text = choice["text"]
    except (KeyError, IndexError, TypeError):
        raise _Failure(
            "malformed", f"The guard server's answer has no choices[0].text: {_shorten(body)!r}"
        ) from None
    if not isinstance(text, str):
        raise _Failure("malformed", "The guard server's choices[0].text is not a string")
    logprobs = choice.get("logprobs") if isinstance(choice, dict) else None
    return text, logprobs or None


def _verdict_top_tokens(logprobs: Any) -> list[tuple[str, float]]:
    """[(text, logprob)] at the first generated position, most likely first, from the legacy
    completions format ({"tokens", "token_logprobs", "top_logprobs": [{text: logprob}]}) or
    the chat-style one some servers also use on /completions ({"content": [{"token",
    "logprob", "top_logprobs": [{"token", "logprob"}]}]})."""
    try:
        if "content" in logprobs:
            first = logprobs["content"][0]
            pairs = [(entry["token"], entry["logprob"]) for entry in first["top_logprobs"]]
            pairs.append((first["token"], first["logprob"]))
        else:
            top = logprobs["top_logprobs"][0] or {}
            pairs = list(top.items())
            pairs.append((logprobs["tokens"][0], logprobs["token_logprobs"][0]))
        merged = {str(token): float(logprob) for token, logprob in pairs}
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        raise _Failure(
            "malformed", "The guard server's log-probabilities are not in a known format"
        ) from None
    if not merged or any(math.isnan(lp) or lp > 1e-6 for lp in merged.values()):
        raise _Failure("malformed", "The guard server's log-probabilities are not valid")
    return sorted(merged.items(), key=lambda pair: pair[1], reverse=True)


def _failed(key: Any, kind: str, message: str) -> ServerGuardResult:
    return ServerGuardResult(key=key, verdict="error", error=message, failure_kind=kind)


def _shorten(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
