"""Tiny Llama Guard-shaped checkpoints built locally: one random, one with a scripted answer.

Nothing is downloaded. The tokenizer is a word-level `tokenizers` model with Llama 3's special
tokens and a Llama Guard 3-like chat template, saved with `save_pretrained`, so the checkpoints
load through `AutoTokenizer` / `AutoModelForCausalLM` like the real model.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from tokenizers import AddedToken, Tokenizer, models, pre_tokenizers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

from governance.policies.guard_prompt import (
    LLAMA_GUARD_3_CATEGORIES,
    GuardCategory,
    guard_prompt,
)

BEGIN_OF_TEXT = "<|begin_of_text|>"
END_OF_TEXT = "<|end_of_text|>"
START_HEADER = "<|start_header_id|>"
END_HEADER = "<|end_header_id|>"
END_OF_TURN = "<|eot_id|>"
PAD = "<|finetune_right_pad_id|>"
UNKNOWN = "<unk>"
SPECIAL_TOKENS = (BEGIN_OF_TEXT, END_OF_TEXT, START_HEADER, END_HEADER, END_OF_TURN, PAD)
# Whitespace that Llama Guard writes around its verdict; kept as tokens of their own.
NEWLINES = ("\n\n", "\n")

_CONVERSATION_TEXT = (
    "how do i make bake bread a an the to of and in is it you your me my we can could would "
    "please help with for what where when why who this that these those there here not no yes "
    "ok thanks thank sure here's step first then next finally mix flour water salt yeast oven "
    "minutes hour day week recipe cook kill attack weapon steal money bank account password "
    "hack system email address phone number home doctor medicine dose pill law lawyer court "
    "vote election candidate story poem write code python function error fix bug server data "
    "file user customer order refund price shipping product review great bad good best worst "
    "person people friend family child children school teacher student book movie music song "
    "car drive road city travel trip hotel flight ticket weather rain sun cold hot question "
    "answer idea plan project team work job meeting time today tomorrow yesterday"
)
CONVERSATION_WORDS = tuple(_CONVERSATION_TEXT.split())

# Llama Guard 3's template, reduced to what Steward uses: role by the parity of the turns,
# an optional `categories` mapping (code -> text), content as a string or as text parts.
LLAMA_GUARD_CHAT_TEMPLATE = (
    "{%- if messages|length % 2 == 0 -%}{%- set role = 'Agent' -%}"
    "{%- else -%}{%- set role = 'User' -%}{%- endif -%}"
    "{%- if categories is not defined -%}{%- set categories = {"
    + ", ".join(f"'{c.code}': '{c.name}.'" for c in LLAMA_GUARD_3_CATEGORIES[:13])
    + "} -%}{%- endif -%}"
    "{{- '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\\n\\n' -}}"
    "{{- 'Task: Check if there is unsafe content in \\'' + role + '\\' messages in conversations"
    " according our safety policy with the below categories.\\n\\n' -}}"
    "{{- '<BEGIN UNSAFE CONTENT CATEGORIES>\\n' -}}"
    "{%- for key in categories -%}{{- key + ': ' + categories[key] + '\\n' -}}{%- endfor -%}"
    "{{- '<END UNSAFE CONTENT CATEGORIES>\\n\\n<BEGIN CONVERSATION>\\n\\n' -}}"
    "{%- for message in messages -%}"
    "{%- if message['content'] is string -%}{%- set content = message['content'] -%}"
    "{%- else -%}{%- set content = message['content'][0]['text'] -%}{%- endif -%}"
    "{%- if message['role'] == 'user' -%}{{- 'User: ' + content | trim + '\\n\\n' -}}"
    "{%- else -%}{{- 'Agent: ' + content | trim + '\\n\\n' -}}{%- endif -%}"
    "{%- endfor -%}"
    "{{- '<END CONVERSATION>\\n\\nProvide your safety assessment for ONLY THE LAST ' + role"
    " + ' message in the above conversation:\\n' -}}"
    "{{- ' - First line must read \\'safe\\' or \\'unsafe\\'.\\n' -}}"
    "{{- ' - If unsafe, a second line must include a comma-separated list of violated"
    " categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>' -}}"
)

_WORD = re.compile(r"\w+|[^\w\s]+")


def _words(texts: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        for special in SPECIAL_TOKENS:
            text = text.replace(special, " ")
        for word in _WORD.findall(text):
            seen.setdefault(word, None)
    return list(seen)


def build_tokenizer(
    *, extra_words: Sequence[str] = (), chat_template: bool = True
) -> PreTrainedTokenizerFast:
    """A word-level tokenizer that covers the guard prompt, verdicts and everyday words."""
    categories = [
        GuardCategory(c.code, c.name, f"Content about {c.name.lower()}.")
        for c in LLAMA_GUARD_3_CATEGORIES
    ]
    sample = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hi"}]
    corpus = [
        guard_prompt(categories, sample, role=role, with_descriptions=True)
        for role in ("Agent", "User")
    ]
    corpus += ["safe unsafe Safe Unsafe SAFE UNSAFE , :"]
    corpus += [f"S{n}" for n in range(1, 21)]
    corpus += [" ".join(CONVERSATION_WORDS), " ".join(extra_words)]
    vocab = {token: index for index, token in enumerate((*SPECIAL_TOKENS, *NEWLINES, UNKNOWN))}
    for word in _words(corpus):
        vocab.setdefault(word, len(vocab))
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNKNOWN))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.add_special_tokens([AddedToken(t, normalized=False) for t in SPECIAL_TOKENS])
    backend.add_tokens([AddedToken(t, normalized=False) for t in NEWLINES])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=BEGIN_OF_TEXT,
        eos_token=END_OF_TURN,
        pad_token=PAD,
        unk_token=UNKNOWN,
        model_max_length=131072,
    )
    if chat_template:
        tokenizer.chat_template = LLAMA_GUARD_CHAT_TEMPLATE
    return tokenizer


def tiny_config(tokenizer: PreTrainedTokenizerFast, **overrides: Any) -> LlamaConfig:
    """A two-layer Llama with Llama 3's rope settings, sized for tests."""
    settings: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 1024,
        "rope_theta": 500000.0,
        "rms_norm_eps": 1e-5,
        "tie_word_embeddings": True,
        "bos_token_id": tokenizer.convert_tokens_to_ids(BEGIN_OF_TEXT),
        "eos_token_id": [
            tokenizer.convert_tokens_to_ids(END_OF_TURN),
            tokenizer.convert_tokens_to_ids(END_OF_TEXT),
        ],
        "pad_token_id": tokenizer.convert_tokens_to_ids(PAD),
    }
    settings.update(overrides)
    return LlamaConfig(**settings)


def _save(model: LlamaForCausalLM, tokenizer: PreTrainedTokenizerFast, path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    model.generation_config.eos_token_id = model.config.eos_token_id
    model.generation_config.pad_token_id = model.config.pad_token_id
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def build_random_guard(path: str | Path, *, seed: int = 0, **config_overrides) -> Path:
    """A tiny Llama with random weights: it never answers like a guard."""
    tokenizer = build_tokenizer()
    torch.manual_seed(seed)
    model = LlamaForCausalLM(tiny_config(tokenizer, **config_overrides)).eval()
    return _save(model, tokenizer, Path(path))


def build_scripted_guard(
    path: str | Path,
    *,
    verdict: str = "unsafe",
    categories: Sequence[str] = ("S1",),
    seed: int = 0,
    **config_overrides,
) -> Path:
    """A tiny Llama that always answers `\\n\\n{verdict}` (and `\\n{codes}` when unsafe).

    The attention and MLP outputs are zeroed, so the hidden state at each position is the
    embedding of its own token, and the next token depends on the current one only. The
    tokens of the answer get orthonormal embeddings and the output matrix maps each of them to
    the next token of the answer with a large margin, making the greedy answer certain.
    """
    tokenizer = build_tokenizer(extra_words=categories)
    config = tiny_config(tokenizer, tie_word_embeddings=False, **config_overrides)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).eval()
    answer = ["\n\n", verdict]
    if verdict.strip().lower() == "unsafe":
        answer.append("\n")
        for index, code in enumerate(categories):
            answer += [","] if index else []
            answer.append(code)
    answer.append(END_OF_TURN)
    chain = [END_HEADER, *answer]
    ids = [tokenizer.convert_tokens_to_ids(token) for token in chain]
    sources = list(dict.fromkeys(ids[:-1]))
    if len(sources) != len(ids) - 1:
        raise ValueError("The scripted answer repeats a token; the chain would be ambiguous")
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        basis, _ = torch.linalg.qr(torch.randn(config.hidden_size, config.hidden_size))
        embeddings = model.model.embed_tokens.weight
        head = model.lm_head.weight
        head.zero_()
        for index, (source, target) in enumerate(itertools.pairwise(ids)):
            embeddings[source] = basis[index]
            head[target] += 10.0 * basis[index]
    return _save(model, tokenizer, Path(path))
