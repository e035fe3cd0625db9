"""Score conversations with a Llama Guard model: cached policy prefix, batched, fail closed.

The prompt's text before the conversation depends only on the policy, so its key/value state
is computed once per (policy_key, role, descriptions) and shared by every conversation. Only
the conversation and the fixed suffix go through the model per item, batched by similar
length; logits are computed at the one position that carries the verdict, and a short greedy
continuation reads the category codes only when the verdict is `unsafe`.

Importing this module does not import torch (web processes import it for the types); torch
and transformers load with the first model.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitoring.guard.parsing import parse_guard_answer

if TYPE_CHECKING:
    from types import ModuleType

    import torch

    from governance.policies.public import GuardCategory

# The guard writes a blank line before its verdict; the prompt ends right before it.
LEAD_IN = "\n\n"
# Below this share of probability on the verdict tokens, the model is not acting as a guard.
MIN_VERDICT_MASS = 0.5
# Enough for "\n" and a few comma-separated codes after "unsafe".
MAX_CODE_TOKENS = 10
# Long contexts cost quadratic attention and memory; a longer conversation is truncated.
DEFAULT_MAX_PROMPT_TOKENS = 8192
PREFIX_CACHE_SIZE = 8


class GuardUnavailable(Exception):
    """The guard model could not be loaded, or what was loaded is not a guard."""


@dataclass(frozen=True)
class GuardInput:
    key: Any
    conversation: list[dict]


@dataclass
class GuardResult:
    key: Any
    verdict: str  # "safe" | "unsafe" | "error"
    categories: list[str] = field(default_factory=list)
    # P(unsafe) / (P(safe) + P(unsafe)) at the verdict position; None when not measured.
    p_unsafe: float | None = None
    raw_output: str = ""
    error: str = ""
    truncated: bool = False
    # Wall time of the forward passes that produced this verdict (shared within a batch).
    latency_ms: float = 0.0
    prompt: str = ""


@dataclass
class _Prefix:
    text: str
    ids: list[int]
    kv: list[tuple[torch.Tensor, torch.Tensor]]


@dataclass
class _Item:
    index: int
    prompt: str = ""
    ids: list[int] = field(default_factory=list)  # after the prefix, lead-in included
    truncated: bool = False


@dataclass
class _Answer:
    logits: torch.Tensor  # [vocab] float32 at the verdict position
    tokens: list[int]  # greedy tokens from the verdict position on
    latency_ms: float


def cpu_supports_bf16() -> bool:
    """Whether this CPU multiplies bf16 natively (AVX512-BF16 or AMX); else fp32 is faster."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


class GuardEngine:
    """A loaded guard model; `scan` is safe to call repeatedly from one worker thread."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        model_id: str,
        revision: str = "",
        max_prompt_tokens: int | None = None,
        max_batch_size: int = 64,
        max_batch_tokens: int | None = None,
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.revision = revision
        self.device = next(model.parameters()).device
        self.decoder = model.get_decoder()
        self.lm_head = model.get_output_embeddings()
        # transformers renamed `past_key_values` to `cache` during 5.x.
        parameters = inspect.signature(self.decoder.forward).parameters
        self._cache_arg = "cache" if "cache" in parameters else "past_key_values"
        context = getattr(model.config, "max_position_embeddings", None) or 4096
        self.max_prompt_tokens = min(context, max_prompt_tokens or DEFAULT_MAX_PROMPT_TOKENS)
        self.max_batch_size = max_batch_size
        # Packed conversations attend densely across the pack (then masked), so the pack size
        # bounds that waste; a GPU has the parallelism to spare.
        self.max_batch_tokens = max_batch_tokens or (2048 if self.device.type == "cpu" else 8192)
        self.safe_ids = self._single_token_ids("safe")
        self.unsafe_ids = self._single_token_ids("unsafe")
        if not self.safe_ids or not self.unsafe_ids or self.safe_ids & self.unsafe_ids:
            raise GuardUnavailable(
                f"{model_id} is not a guard: its tokenizer has no single 'safe'/'unsafe' tokens"
            )
        self.stop_ids = self._stop_ids()
        template = getattr(tokenizer, "chat_template", None) or ""
        self.has_guard_template = "UNSAFE CONTENT CATEGORIES" in template
        self._prefixes: OrderedDict[tuple, _Prefix] = OrderedDict()

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def load(cls, model: str, *, device: str = "auto") -> GuardEngine:
        """Load from a hub id or a local directory (HF_HUB_OFFLINE is honoured)."""
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cuda":
            dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        else:
            dtype = torch.bfloat16 if cpu_supports_bf16() else torch.float32
        offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}
        try:
            tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=offline)
            loaded = AutoModelForCausalLM.from_pretrained(
                model, dtype=dtype, local_files_only=offline
            )
            # transformers types `.to` through a decorator that hides its device argument.
            loaded = loaded.to(device)  # type: ignore[arg-type]
        except Exception as exc:
            raise GuardUnavailable(f"Cannot load guard model {model!r}: {exc}") from exc
        revision = getattr(loaded.config, "_commit_hash", None) or _local_revision(model)
        return cls.from_pretrained_objects(loaded, tokenizer, model_id=model, revision=revision)

    @classmethod
    def from_pretrained_objects(
        cls, model: Any, tokenizer: Any, *, model_id: str, revision: str = "", **options: Any
    ) -> GuardEngine:
        return cls(model, tokenizer, model_id=model_id, revision=revision, **options)

    def _single_token_ids(self, word: str) -> set[int]:
        ids = set()
        for variant in {word, word.capitalize(), word.upper()}:
            for text in (variant, " " + variant):
                encoded = self.tokenizer.encode(text, add_special_tokens=False)
                if len(encoded) == 1:
                    ids.add(encoded[0])
        return ids

    def _stop_ids(self) -> set[int]:
        ids: set[int] = set()
        for source in (getattr(self.model, "generation_config", None), self.model.config):
            eos = getattr(source, "eos_token_id", None)
            ids.update(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        if self.tokenizer.eos_token_id is not None:
            ids.add(self.tokenizer.eos_token_id)
        eot = self.tokenizer.convert_tokens_to_ids("<|eot_id|>")
        if isinstance(eot, int) and eot != self.tokenizer.unk_token_id:
            ids.add(eot)
        return ids

    # -- public API -----------------------------------------------------------------------

    def scan(
        self,
        items: list[GuardInput],
        *,
        categories: list[GuardCategory],
        role: str = "Agent",
        policy_key: str,
        with_descriptions: bool = False,
    ) -> list[GuardResult]:
        """One result per item, in order; per-item problems come back as verdict "error".

        `policy_key` names the policy version: the prefix cache is kept per (policy_key, role,
        with_descriptions) and rebuilt if its text changes. `scan([])` only warms that cache.
        A failure of the model itself raises (the whole batch failed)."""
        allowed = [category.code for category in categories]
        prepared, prefix, errors = self._prepare(items, categories, role, with_descriptions)
        prefix_state = self._prefix(policy_key, role, with_descriptions, prefix)
        results: dict[int, GuardResult] = {}
        for index, message in errors.items():
            results[index] = GuardResult(key=items[index].key, verdict="error", error=message)
        unique, duplicates = _deduplicate(items, prepared)
        answers = self._answers(prefix_state, unique, continue_if=self.unsafe_ids)
        for item, answer in zip(unique, answers, strict=True):
            results[item.index] = self._result(items[item.index].key, item, answer, allowed)
        for index, original in duplicates.items():
            results[index] = replace(results[original], key=items[index].key)
        return [results[index] for index in range(len(items))]

    def greedy_answers(
        self,
        items: list[GuardInput],
        *,
        categories: list[GuardCategory],
        role: str = "Agent",
        policy_key: str,
        with_descriptions: bool = False,
        max_new_tokens: int = MAX_CODE_TOKENS,
    ) -> list[tuple[torch.Tensor, list[int]]]:
        """(logits at the verdict position, greedy tokens from there) per item, by the fast
        path: for checking it against a plain forward pass or `generate()`."""
        prepared, prefix, errors = self._prepare(items, categories, role, with_descriptions)
        if errors:
            raise _prompts().GuardPromptError(next(iter(errors.values())))
        prefix_state = self._prefix(policy_key, role, with_descriptions, prefix)
        answers = self._answers(prefix_state, prepared, continue_if=None, limit=max_new_tokens)
        return [(answer.logits, answer.tokens) for answer in answers]

    # -- prompt and tokens ----------------------------------------------------------------

    def _prepare(
        self,
        items: Sequence[GuardInput],
        categories: Sequence[GuardCategory],
        role: str,
        with_descriptions: bool,
    ) -> tuple[list[_Item], str, dict[int, str]]:
        prompts = _prompts()
        prefix = prompts.guard_prompt_prefix(
            categories, role=role, with_descriptions=with_descriptions
        )
        prepared: list[_Item] = []
        errors: dict[int, str] = {}
        for index, guard_input in enumerate(items):
            try:
                rest = self._render_rest(
                    guard_input.conversation, categories, role, with_descriptions, prefix
                )
            except prompts.GuardPromptError as exc:
                errors[index] = f"Cannot build the guard prompt: {exc}"
                continue
            prepared.append(_Item(index=index, prompt=prefix + rest))
        if not prepared:
            return prepared, prefix, errors
        prefix_ids = self._encode(prefix)
        tail_ids = self._encode(prompts.guard_prompt_suffix(role=role) + LEAD_IN)
        budget = self.max_prompt_tokens - MAX_CODE_TOKENS - 2
        encoded = self.tokenizer(
            [item.prompt + LEAD_IN for item in prepared], add_special_tokens=False
        )["input_ids"]
        for item, ids in zip(prepared, encoded, strict=True):
            if ids[: len(prefix_ids)] == prefix_ids:
                rest_ids = ids[len(prefix_ids) :]
            else:
                rest_ids = self._encode(item.prompt[len(prefix) :] + LEAD_IN)
            room = budget - len(prefix_ids)
            if len(rest_ids) > room:
                body, tail = rest_ids[: -len(tail_ids)], rest_ids[-len(tail_ids) :]
                keep = room - len(tail)
                if keep <= 0:
                    errors[item.index] = "The policy prompt alone fills the guard's context"
                    continue
                rest_ids = body[-keep:] + tail
                item.truncated = True
                kept = self.tokenizer.decode(body[-keep:])
                item.prompt = prefix + kept + prompts.guard_prompt_suffix(role=role)
            item.ids = rest_ids
        prepared = [item for item in prepared if item.index not in errors]
        return prepared, prefix, errors

    def _render_rest(
        self,
        conversation: list[dict],
        categories: Sequence[GuardCategory],
        role: str,
        with_descriptions: bool,
        prefix: str,
    ) -> str:
        """The prompt after the prefix: from the model's own template when it renders the
        same prefix, else from Steward's builder (which also validates the conversation)."""
        _, rest = _prompts().guard_prompt_parts(
            categories, conversation, role=role, with_descriptions=with_descriptions
        )
        if not self.has_guard_template:
            return rest
        texts = {
            category.code: f"{category.name.rstrip('.')}."
            + (
                f"\n{category.description.strip()}"
                if with_descriptions and category.description.strip()
                else ""
            )
            for category in categories
        }
        parts = [
            {"role": turn["role"], "content": [{"type": "text", "text": turn["content"]}]}
            for turn in conversation
        ]
        for messages in (conversation, parts):
            try:
                text = self.tokenizer.apply_chat_template(
                    messages, tokenize=False, categories=texts
                )
            except Exception:  # a template that cannot render falls back to the builder
                continue
            if _template_matches(text, prefix, conversation):
                return text[len(prefix) :]
        return rest

    def _encode(self, text: str) -> list[int]:
        return list(self.tokenizer.encode(text, add_special_tokens=False))

    # -- model ----------------------------------------------------------------------------

    def _prefix(self, policy_key: str, role: str, with_descriptions: bool, text: str) -> _Prefix:
        import torch

        key = (policy_key, role, with_descriptions)
        state = self._prefixes.get(key)
        if state is not None and state.text == text:
            self._prefixes.move_to_end(key)
            return state
        ids = self._encode(text)
        with torch.inference_mode():
            output = self.decoder(input_ids=torch.tensor([ids], device=self.device), use_cache=True)
        cache = getattr(output, "cache", None)
        if cache is None:
            cache = output.past_key_values
        kv = [(layer.keys, layer.values) for layer in cache.layers]
        state = _Prefix(text=text, ids=ids, kv=kv)
        self._prefixes[key] = state
        while len(self._prefixes) > PREFIX_CACHE_SIZE:
            self._prefixes.popitem(last=False)
        return state

    def _batches(self, items: list[_Item]) -> list[list[_Item]]:
        """Items sorted by length, packed into groups of at most `max_batch_tokens` tokens."""
        ordered = sorted(items, key=lambda item: len(item.ids))
        batches: list[list[_Item]] = []
        current: list[_Item] = []
        tokens = 0
        for item in ordered:
            if current and (
                len(current) >= self.max_batch_size
                or tokens + len(item.ids) > self.max_batch_tokens
            ):
                batches.append(current)
                current, tokens = [], 0
            current.append(item)
            tokens += len(item.ids)
        if current:
            batches.append(current)
        return batches

    def _answers(
        self,
        prefix: _Prefix,
        items: list[_Item],
        *,
        continue_if: set[int] | None,
        limit: int = MAX_CODE_TOKENS,
    ) -> list[_Answer]:
        """Greedy answers; continue past the verdict for all rows (continue_if None) or for
        the rows whose verdict token is in `continue_if`."""
        answers: dict[int, _Answer] = {}
        for batch in self._batches(items):
            started = time.perf_counter()
            logits, tokens = self._run_batch(prefix, batch, continue_if, limit)
            latency = (time.perf_counter() - started) * 1000
            for row, item in enumerate(batch):
                answers[item.index] = _Answer(logits[row], tokens[row], latency)
        return [answers[item.index] for item in items]

    def _run_batch(
        self, prefix: _Prefix, batch: list[_Item], continue_if: set[int] | None, limit: int
    ) -> tuple[torch.Tensor, list[list[int]]]:
        """One forward pass over the batch packed into a single row after the cached prefix:
        no padding, and the prefix's keys/values are shared rather than copied per item.
        A block-diagonal causal mask keeps each conversation to itself and the prefix, and
        each conversation's positions continue from the end of the prefix."""
        import torch
        from transformers import DynamicCache

        device, start = self.device, len(prefix.ids)
        lengths = [len(item.ids) for item in batch]
        total = sum(lengths)
        ends = torch.tensor(lengths).cumsum(0)
        mask = torch.zeros((1, 1, total, start + total), dtype=torch.bool)
        mask[..., :start] = True
        positions = torch.empty(total, dtype=torch.long)
        offset = 0
        for length in lengths:
            span = slice(offset, offset + length)
            block = torch.ones((length, length), dtype=torch.bool).tril()
            mask[0, 0, span, start + offset : start + offset + length] = block
            positions[span] = torch.arange(start, start + length)
            offset += length
        input_ids = torch.tensor([token for item in batch for token in item.ids])
        cache = DynamicCache(ddp_cache_data=list(prefix.kv))
        with torch.inference_mode():
            hidden = self.decoder(
                input_ids=input_ids[None].to(device),
                attention_mask=mask.to(device),
                position_ids=positions[None].to(device),
                use_cache=True,
                **{self._cache_arg: cache},
            ).last_hidden_state
            logits = self.lm_head(hidden[0, (ends - 1).to(device)]).float()
            first = logits.argmax(dim=-1).tolist()
            tokens = [[token] for token in first]
            wanted = [
                row
                for row, token in enumerate(first)
                if (continue_if is None or token in continue_if) and token not in self.stop_ids
            ]
            if wanted and limit > 0:
                own = mask[0, 0, (ends - 1)[wanted]]  # what each row's last token could see
                next_positions = (start + torch.tensor(lengths))[wanted]
                self._continue(cache, own, next_positions, tokens, wanted, limit)
        return logits.cpu(), tokens

    def _continue(
        self,
        cache: Any,
        visible: torch.Tensor,
        positions: torch.Tensor,
        tokens: list[list[int]],
        wanted: list[int],
        limit: int,
    ) -> None:
        """Greedy decoding for the `wanted` rows, one packed step for all of them at a time,
        appending to `tokens` until each writes a stop token or `limit` is reached. Row j's
        step sees what its last token saw, plus its own earlier steps and itself."""
        import torch

        device, count = self.device, len(wanted)
        visible = visible.to(device)
        positions = positions.to(device)
        own_step = torch.eye(count, dtype=torch.bool, device=device)
        done = [False] * count
        for _ in range(limit):
            visible = torch.cat([visible, own_step], dim=1)
            current = torch.tensor([[tokens[row][-1] for row in wanted]], device=device)
            hidden = self.decoder(
                input_ids=current,
                attention_mask=visible[None, None],
                position_ids=positions[None],
                use_cache=True,
                **{self._cache_arg: cache},
            ).last_hidden_state
            chosen = self.lm_head(hidden[0]).argmax(dim=-1).tolist()
            positions = positions + 1
            for slot, row in enumerate(wanted):
                if not done[slot]:
                    tokens[row].append(chosen[slot])
                    done[slot] = chosen[slot] in self.stop_ids
            if all(done):
                break

    # -- results --------------------------------------------------------------------------

    def _result(self, key: Any, item: _Item, answer: _Answer, allowed: list[str]) -> GuardResult:
        import torch

        probabilities = torch.softmax(answer.logits, dim=-1)
        p_safe = float(probabilities[sorted(self.safe_ids)].sum())
        p_unsafe = float(probabilities[sorted(self.unsafe_ids)].sum())
        mass = p_safe + p_unsafe
        tokens = [token for token in answer.tokens if token not in self.stop_ids]
        raw = LEAD_IN + self.tokenizer.decode(tokens, skip_special_tokens=True)
        result = GuardResult(
            key=key,
            verdict="error",
            raw_output=raw,
            truncated=item.truncated,
            latency_ms=answer.latency_ms,
            prompt=item.prompt,
        )
        if mass < MIN_VERDICT_MASS:
            result.error = (
                "The model is not answering as a guard: P(safe) + P(unsafe) = "
                f"{mass:.3f} at the verdict position (wrong model, tokenizer or template?)"
            )
            return result
        result.p_unsafe = p_unsafe / mass
        parsed = parse_guard_answer(raw, allowed)
        result.verdict, result.categories, result.error = (
            parsed.verdict,
            parsed.categories,
            parsed.error,
        )
        return result


def _prompts() -> ModuleType:
    """The policies app's public prompt builders, imported on first use (they need no Django
    app registry, so the engine also runs in processes that never set Django up)."""
    import governance.policies.public as prompts

    return prompts


def _assistant_header() -> str:
    """Where the model starts answering: the end of the prompt after its last end-of-turn."""
    return str(_prompts().ASSISTANT_HEADER)


def _template_matches(text: Any, prefix: str, conversation: list[dict]) -> bool:
    """The template's prompt has Steward's prefix, every turn, and ends where the model
    answers (some transformers versions render Llama Guard templates without the turns)."""
    if not isinstance(text, str) or not text.startswith(prefix):
        return False
    rest = text[len(prefix) :]
    return rest.endswith(_assistant_header()) and all(
        turn["content"].strip() in rest for turn in conversation
    )


def _deduplicate(
    items: Sequence[GuardInput], prepared: list[_Item]
) -> tuple[list[_Item], dict[int, int]]:
    """Unique items to score, and {duplicate index: index of the item scored for it}."""
    first_seen: dict[str, int] = {}
    unique: list[_Item] = []
    duplicates: dict[int, int] = {}
    for item in prepared:
        fingerprint = _fingerprint(items[item.index].conversation)
        if fingerprint in first_seen:
            duplicates[item.index] = first_seen[fingerprint]
        else:
            first_seen[fingerprint] = item.index
            unique.append(item)
    return unique, duplicates


def _fingerprint(conversation: Any) -> str:
    try:
        return json.dumps(conversation, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(conversation)


def _local_revision(model: str) -> str:
    """A short fingerprint of a local checkpoint (its config and weight file sizes/mtimes)."""
    path = Path(model)
    if not path.is_dir():
        return ""
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        if file.is_file() and (file.suffix in {".json", ".safetensors", ".bin"}):
            stat = file.stat()
            digest.update(f"{file.name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return "local-" + digest.hexdigest()[:12]
