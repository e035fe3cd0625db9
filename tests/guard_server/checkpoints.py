"""Tiny Llama checkpoints with the real Llama 3 tokenizer: one random, one with a set answer.

The tokenizer is Llama 3's own (extracted once from the llama-cpp-python sdist by
`scripts/llama_cpp_wheel.py tokenizer`), so prompts tokenize exactly as Llama Guard 3's do.
The vocabulary is Llama 3's 128,256 tokens, so even a two-layer model of width 64 weighs
33-66 MB in f32; nothing is downloaded.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

END_OF_TURN = "<|eot_id|>"
END_OF_TEXT = "<|end_of_text|>"
BEGIN_OF_TEXT = "<|begin_of_text|>"


def tiny_llama3_config(tokenizer: Any, **overrides: Any) -> LlamaConfig:
    settings: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 2048,
        "rope_theta": 500000.0,
        "rms_norm_eps": 1e-5,
        "tie_word_embeddings": True,
        "bos_token_id": tokenizer.convert_tokens_to_ids(BEGIN_OF_TEXT),
        "eos_token_id": [
            tokenizer.convert_tokens_to_ids(END_OF_TURN),
            tokenizer.convert_tokens_to_ids(END_OF_TEXT),
        ],
    }
    settings.update(overrides)
    return LlamaConfig(**settings)


def _save(model: LlamaForCausalLM, tokenizer: Any, path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    model.generation_config.eos_token_id = model.config.eos_token_id
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def build_random_llama3(path: Path, tokenizer_dir: Path, *, seed: int = 0, **overrides) -> Path:
    """Random weights (a wider initialisation than the default, so that the top tokens at a
    position are well apart and comparable across backends)."""
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    torch.manual_seed(seed)
    config = tiny_llama3_config(tokenizer, initializer_range=0.1, **overrides)
    model = LlamaForCausalLM(config).eval()
    return _save(model, tokenizer, Path(path))


def build_scripted_llama3_guard(
    path: Path,
    tokenizer_dir: Path,
    *,
    verdict: str = "unsafe",
    p_unsafe: float = 0.8,
    categories: Sequence[str] = ("S1",),
    seed: int = 0,
) -> Path:
    """A tiny Llama 3 that answers `\\n\\n{verdict}` (and `\\n{codes}` when unsafe), with
    P(unsafe) / (P(safe) + P(unsafe)) = `p_unsafe` at the verdict position.

    Attention and MLP outputs are zeroed, so each position's hidden state is its own token's
    embedding and the next token depends on the current one only: the prompt's last token
    (the blank line) leads to the verdict, each answer token to the next, the last to
    <|eot_id|>. Embeddings are orthonormal, so after the final RMSNorm a hidden state is
    sqrt(hidden_size) times its basis vector, which fixes the logits exactly.
    """
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = tiny_llama3_config(tokenizer, tie_word_embeddings=False)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).eval()

    def ids(text: str) -> list[int]:
        return tokenizer.encode(text, add_special_tokens=False)

    answer = ids("\n\n") + ids(verdict)
    if verdict == "unsafe":
        answer += ids("\n") + ids(",".join(categories))
    answer.append(tokenizer.convert_tokens_to_ids(END_OF_TURN))
    if len(set(answer[:-1])) != len(answer) - 1:
        raise ValueError("The scripted answer repeats a token; the chain would be ambiguous")
    scale = math.sqrt(config.hidden_size)  # the RMSNorm'd length of a unit embedding
    margin = 10.0
    odds = math.log(p_unsafe / (1 - p_unsafe))  # logit(unsafe) - logit(safe)
    safe_id, unsafe_id = ids("safe")[0], ids("unsafe")[0]
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        basis, _ = torch.linalg.qr(torch.randn(config.hidden_size, config.hidden_size))
        embeddings = model.model.embed_tokens.weight
        head = model.lm_head.weight
        head.zero_()
        for index, (source, target) in enumerate(itertools.pairwise(answer)):
            embeddings[source] = basis[index]
            if index == 0:  # the verdict position: both verdicts, `odds` apart
                top = margin * scale
                head[unsafe_id] += (top if verdict == "unsafe" else top + odds) / scale * basis[0]
                head[safe_id] += (top - odds if verdict == "unsafe" else top) / scale * basis[0]
            else:
                head[target] += margin * basis[index]
    return _save(model, tokenizer, Path(path))
