"""Guard throughput: Steward's engine against the model card's recipe, same model, same run.

The model is Llama-Guard-3-1B's architecture (Llama 3.2 1B shape: hidden 2048, 16 layers,
32 heads / 8 KV heads, MLP 8192, vocabulary 128256, tied embeddings, rope theta 500000 with
llama3 scaling) with random bf16 weights: the same arithmetic as the real model, no download.
The tokenizer is the word-level one the tests build, with Llama 3's special tokens.

- recipe: per item, `apply_chat_template` + `generate()`, as in the model card. Random weights
  never write `<|eot_id|>`, so generation is capped at the 3 tokens a real guard writes for a
  safe verdict ("\\n\\n", "safe", "<|eot_id|>"), and the first token is pinned to "\\n\\n" as
  a real guard writes it (a logits processor; the cost is unchanged). The card's
  max_new_tokens=20 only bounds that answer.
- engine: `GuardEngine.scan()` on the same items: cached policy prefix, batches by length,
  logits at the verdict position only. The prefix is computed once per policy version per
  worker process; its one-off cost is reported separately and included in "cold".

Both paths must agree: the logits at the verdict position (raw, before any processor) within
bf16 tolerance, and the same greedy tokens. Random weights put no mass on "safe"/"unsafe", so
the engine marks every item "not answering as a guard"; the agreement is checked on raw
logits and tokens, not on verdicts.

Run:  .venv/bin/python bench/guard_throughput.py            (CPU: ~6 minutes on 2 cores)
      .venv/bin/python bench/guard_throughput.py --items 64  (GPU)
      .venv/bin/python bench/guard_throughput.py --smoke     (the tests' tiny two-layer Llama
                                                              and 2 items: seconds, same output)
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
from transformers import (
    BatchEncoding,
    LlamaConfig,
    LlamaForCausalLM,
    LogitsProcessor,
    PreTrainedTokenizerFast,
)
from transformers.initialization import no_init_weights

from governance.policies.guard_prompt import GuardCategory, guard_prompt_prefix
from monitoring.guard.engine import GuardEngine, GuardInput, cpu_supports_bf16
from tests.guard.checkpoints import (
    BEGIN_OF_TEXT,
    CONVERSATION_WORDS,
    END_OF_TURN,
    build_tokenizer,
    tiny_config,
)

# A policy with descriptions, the length of Llama Guard 3's own hazard descriptions.
POLICY = [
    GuardCategory(code, name, description)
    for code, name, description in [
        ("S1", "Violent Crimes", "Responses that enable, encourage, or endorse the commission of "
         "violent crimes, including: unlawful violence toward people such as terrorism, "
         "genocide, murder, hate-motivated violent crimes, child abuse, assault, battery and "
         "kidnapping, and unlawful violence toward animals such as animal abuse."),
        ("S2", "Non-Violent Crimes", "Responses that enable, encourage, or endorse the commission "
         "of non-violent crimes, including: personal crimes such as labor trafficking, threats, "
         "intimidation and hate-motivated non-violent crimes; financial crimes such as fraud, "
         "scams and money laundering; property crimes such as theft, arson and vandalism; drug "
         "crimes; weapons crimes; and cyber crimes such as hacking."),
        ("S3", "Sex-Related Crimes", "Responses that enable, encourage, or endorse the commission "
         "of sex-related crimes, including: sex trafficking, sexual assault such as rape, sexual "
         "harassment whether physical, verbal or visual, and prostitution."),
        ("S4", "Child Sexual Exploitation", "Responses that contain, describe, enable, encourage, "
         "or endorse the sexual abuse of children."),
        ("S5", "Defamation", "Responses that are both verifiably false and likely to injure a "
         "living person's reputation."),
        ("S6", "Specialized Advice", "Responses that contain specialized financial, medical, or "
         "legal advice, or that indicate dangerous activities or objects are safe."),
        ("S7", "Privacy", "Responses that contain sensitive, nonpublic personal information that "
         "could undermine someone's physical, digital, or financial security."),
        ("S8", "Intellectual Property", "Responses that may violate the intellectual property "
         "rights of any third party."),
        ("S9", "Indiscriminate Weapons", "Responses that enable, encourage, or endorse the "
         "creation of indiscriminate weapons, including: chemical weapons such as nerve gas, "
         "biological weapons such as anthrax, radiological weapons such as cobalt bombs, nuclear "
         "weapons such as fission bombs, and high-yield explosive weapons such as cluster "
         "munitions."),
        ("S10", "Hate", "Responses that demean or dehumanize people on the basis of their "
         "sensitive, personal characteristics, such as race, color, ethnicity, national origin, "
         "disability, religious affiliation, caste, sexual orientation, sex, gender identity, "
         "and serious disease."),
        ("S11", "Suicide & Self-Harm", "Responses that enable, encourage, or endorse acts of "
         "intentional self-harm, including: suicide, self-injury such as cutting, and "
         "disordered eating."),
        ("S12", "Sexual Content", "Responses that contain erotica."),
        ("S13", "Elections", "Responses that contain factually incorrect information about "
         "electoral systems and processes, including the time, place, or manner of voting in "
         "civic elections."),
    ]
]  # fmt: skip

# Words per (user turn, assistant turn): short questions and answers, typical chat answers,
# and a few long ones, in the proportions of a support / assistant product's traffic.
LENGTH_MIX = [(12, 40), (25, 90), (30, 160), (18, 240), (40, 320), (20, 60), (15, 120), (35, 200)]


def llama_guard_3_1b_config(vocab_size: int, layers: int) -> LlamaConfig:
    return LlamaConfig(
        vocab_size=max(vocab_size, 128256),
        hidden_size=2048,
        intermediate_size=8192,
        num_hidden_layers=layers,
        num_attention_heads=32,
        num_key_value_heads=8,
        head_dim=64,
        max_position_embeddings=131072,
        rms_norm_eps=1e-5,
        rope_parameters={
            "rope_type": "llama3",
            "rope_theta": 500000.0,
            "factor": 32.0,
            "high_freq_factor": 4.0,
            "low_freq_factor": 1.0,
            "original_max_position_embeddings": 8192,
        },
        tie_word_embeddings=True,
    )


def random_model(config: LlamaConfig, dtype: torch.dtype, device: str) -> LlamaForCausalLM:
    """Random N(0, 0.02) weights without transformers' slow per-module initialisation."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with no_init_weights():
            model = LlamaForCausalLM(config)
    finally:
        torch.set_default_dtype(previous)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("norm.weight"):
                parameter.fill_(1.0)
            else:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.02)
    model.tie_weights()
    # The same call as `model.to(device)`: transformers' decorator on `to` hides the bound
    # `self` from mypy, so it is made through the nn.Module annotation.
    module: torch.nn.Module = model
    module.to(device)
    return model.eval()


def sentences(rng: random.Random, count: int, end: str) -> str:
    words, out = 0, []
    while words < count:
        length = min(rng.randint(6, 16), count - words)
        sentence = " ".join(rng.choice(CONVERSATION_WORDS) for _ in range(length))
        out.append(sentence[0].upper() + sentence[1:] + rng.choice([end, end, ","]))
        words += length
    return " ".join(out)


def conversations(count: int, seed: int = 0) -> list[list[dict]]:
    rng = random.Random(seed)
    return [
        [
            {"role": "user", "content": sentences(rng, user, "?")},
            {"role": "assistant", "content": sentences(rng, agent, ".")},
        ]
        for user, agent in (LENGTH_MIX[i % len(LENGTH_MIX)] for i in range(count))
    ]


class ScanOptions(TypedDict):
    categories: list[GuardCategory]
    policy_key: str
    with_descriptions: bool


def token_id(tokenizer: PreTrainedTokenizerFast, token: str) -> int:
    found = tokenizer.convert_tokens_to_ids(token)
    assert isinstance(found, int), token
    return found


def chat_text(
    tokenizer: PreTrainedTokenizerFast, conversation: list[dict], categories: dict[str, str]
) -> str:
    """The guard prompt as the model card's chat template writes it."""
    text = tokenizer.apply_chat_template(conversation, tokenize=False, categories=categories)
    assert isinstance(text, str)
    return text


class PinFirstToken(LogitsProcessor):
    """Make the first generated token the one a real guard writes there ("\\n\\n")."""

    def __init__(self, prompt_length: int, token: int) -> None:
        self.prompt_length, self.token = prompt_length, token

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        if input_ids.shape[1] == self.prompt_length:
            pinned = torch.full_like(scores, float("-inf"))
            pinned[:, self.token] = 0.0
            return pinned
        return scores


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def matmul_gflops(dtype: torch.dtype, device: str) -> float:
    a = torch.randn(512, 2048, dtype=dtype, device=device)
    b = torch.randn(2048, 8192, dtype=dtype, device=device)
    for _ in range(3):
        a @ b
    sync(device)
    repeats = 200 if device == "cuda" else 10
    started = time.perf_counter()
    for _ in range(repeats):
        a @ b
    sync(device)
    return 2 * 512 * 2048 * 8192 * repeats / (time.perf_counter() - started) / 1e9


def forward_flops(config: LlamaConfig, new: int, past: int, logits_at: int) -> float:
    """Multiply-adds x2 of `new` tokens after `past` cached ones (causal), plus the head."""
    hidden, layers = config.hidden_size, config.num_hidden_layers
    heads = config.num_attention_heads
    kv = (config.num_key_value_heads or heads) * (config.head_dim or hidden // heads)
    linear = 2 * hidden * hidden + 2 * hidden * kv + 3 * hidden * config.intermediate_size
    attended = new * past + new * (new + 1) / 2
    return layers * (2 * linear * new + 4 * hidden * attended) + 2 * hidden * config.vocab_size * (
        logits_at
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=6)
    parser.add_argument("--layers", type=int, default=16, help="16 is Llama-Guard-3-1B")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--batch-size", type=int, default=0, help="0: engine default")
    parser.add_argument("--reference-items", type=int, default=2, help="fp32 checks")
    parser.add_argument("--round-size", type=int, default=3, help="items per timing round")
    parser.add_argument(
        "--smoke", action="store_true", help="the tests' tiny Llama and 2 items: seconds"
    )
    args = parser.parse_args()
    if args.smoke:
        args.items, args.round_size, args.reference_items = 2, 2, 1
    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        dtype = torch.bfloat16
    else:
        dtype = torch.bfloat16 if cpu_supports_bf16() else torch.float32

    words = [w for c in POLICY for w in (c.name + " " + c.description).split()]
    tokenizer = build_tokenizer(extra_words=words)
    if args.smoke:
        config = tiny_config(tokenizer, max_position_embeddings=8192)
        shape = "tiny test Llama (tests/guard/checkpoints.py)"
    else:
        config = llama_guard_3_1b_config(len(tokenizer), args.layers)
        shape = "Llama-Guard-3-1B shape"
    started = time.perf_counter()
    model = random_model(config, dtype, device)
    print(
        f"model: {shape}, {config.num_hidden_layers} layers, "
        f"{sum(p.numel() for p in model.parameters()) / 1e9:.2f}B params, {dtype}, {device}, "
        f"{torch.get_num_threads()} threads, built in {time.perf_counter() - started:.0f}s"
    )
    peak = matmul_gflops(dtype, device)
    print(f"bf16 matmul (512x2048 @ 2048x8192): {peak:.1f} GFLOP/s")

    items = [GuardInput(i, c) for i, c in enumerate(conversations(args.items))]
    options = {"max_batch_size": args.batch_size} if args.batch_size else {}
    engine = GuardEngine.from_pretrained_objects(model, tokenizer, model_id="random", **options)
    scan_options: ScanOptions = {
        "categories": POLICY,
        "policy_key": "bench",
        "with_descriptions": True,
    }
    texts = {c.code: f"{c.name}.\n{c.description}" for c in POLICY}
    lead = token_id(tokenizer, "\n\n")
    prompts = [chat_text(tokenizer, i.conversation, texts) for i in items]
    lengths = [len(tokenizer(p, add_special_tokens=False).input_ids) for p in prompts]
    prefix = guard_prompt_prefix(POLICY, with_descriptions=True)
    prefix_length = len(tokenizer(prefix, add_special_tokens=False).input_ids)
    print(
        f"workload: {args.items} conversations, prompt tokens min/mean/max "
        f"{min(lengths)}/{sum(lengths) / len(lengths):.0f}/{max(lengths)}, of which the policy "
        f"prefix is {prefix_length} ({BEGIN_OF_TEXT} ... <BEGIN CONVERSATION>)"
    )

    # Warm both code paths (allocator, oneDNN kernels) on a short input.
    with torch.inference_mode():
        model(torch.tensor([[lead] * 8], device=device))

    def recipe(item: GuardInput) -> tuple[list[torch.Tensor], list[int]]:
        encoded = tokenizer.apply_chat_template(
            item.conversation, categories=texts, return_tensors="pt", return_dict=True
        )
        assert isinstance(encoded, BatchEncoding)
        ids: torch.Tensor = encoded["input_ids"].to(device)
        output = model.generate(
            ids,
            max_new_tokens=3,
            do_sample=False,
            pad_token_id=0,
            eos_token_id=token_id(tokenizer, END_OF_TURN),
            logits_processor=[PinFirstToken(ids.shape[1], lead)],
            output_logits=True,
            return_dict_in_generate=True,
        )
        # Raw logits after the pinned "\n\n": the verdict position, then the next one.
        logits = [step[0].float().cpu() for step in output.logits[1:]]
        return logits, output.sequences[0, ids.shape[1] + 1 :].tolist()

    # The machine may be shared: alternate the two paths over rounds so that both see the
    # same load, and report process CPU time next to wall time.
    recipe_out: dict[int, tuple[list[torch.Tensor], list[int]]] = {}
    results = []
    clock = {"recipe": [0.0, 0.0], "engine": [0.0, 0.0], "prefix": [0.0, 0.0]}

    def timed(name: str, work):
        sync(device)
        wall, cpu = time.perf_counter(), time.process_time()
        value = work()
        sync(device)
        clock[name][0] += time.perf_counter() - wall
        clock[name][1] += time.process_time() - cpu
        return value

    timed("prefix", lambda: engine.scan([], **scan_options))  # once per policy version
    for round_start in range(0, len(items), args.round_size):
        chunk = items[round_start : round_start + args.round_size]
        for item in chunk:
            recipe_out[item.key] = timed("recipe", lambda item=item: recipe(item))
        results += timed("engine", lambda chunk=chunk: engine.scan(chunk, **scan_options))
    assert [r.key for r in results] == [i.key for i in items]
    recipe_seconds, recipe_cpu = clock["recipe"]
    engine_seconds, engine_cpu = clock["engine"]
    prefix_seconds, prefix_cpu = clock["prefix"]

    # -- agreement ----------------------------------------------------------------------------
    answers = engine.greedy_answers(items, max_new_tokens=1, **scan_options)
    # bf16 noise, measured: both paths against the same model in fp32 on the shortest prompts.
    model.float()
    checked = sorted(range(len(items)), key=lambda i: lengths[i])[: args.reference_items]
    engine_error, recipe_error = 0.0, 0.0
    with torch.inference_mode():
        for i in checked:
            ids = tokenizer(prompts[i] + "\n\n", add_special_tokens=False, return_tensors="pt")
            exact = model(ids.input_ids.to(device), logits_to_keep=1).logits[0, -1].float().cpu()
            engine_error = max(engine_error, float((answers[i][0] - exact).abs().max()))
            recipe_error = max(recipe_error, float((recipe_out[i][0][0] - exact).abs().max()))
    tolerance = max(engine_error, recipe_error)
    worst, same_tokens, near_ties = 0.0, 0, 0
    for i, (logits, tokens) in enumerate(answers):
        reference, expected = recipe_out[i]
        worst = max(worst, float((logits - reference[0]).abs().max()))
        if tokens == expected[: len(tokens)]:
            same_tokens += 1
            continue
        # A different greedy choice is only a disagreement if the recipe's own logits
        # separate the two tokens by more than the bf16 noise measured above.
        step = next(s for s, (a, b) in enumerate(zip(tokens, expected, strict=False)) if a != b)
        gap = float(reference[step][expected[step]] - reference[step][tokens[step]])
        near_ties += int(gap <= tolerance)
    print(
        f"agreement: verdict-position logits, max |engine - recipe| {worst:.4f}; vs fp32 on "
        f"{len(checked)} prompts: engine {engine_error:.4f}, recipe {recipe_error:.4f} (bf16 "
        f"noise; tolerance {tolerance:.4f}); same greedy tokens {same_tokens}/{len(items)}, "
        f"the others at near-ties (gap <= tolerance): {near_ties}; verdicts "
        f"{sorted({r.verdict for r in results})} (random weights: not a guard)"
    )

    recipe_flops = sum(forward_flops(config, n, 0, 1) + 2 * forward_flops(config, 1, n, 1)
                       for n in lengths)  # fmt: skip
    rest = [n - prefix_length for n in lengths]
    engine_flops = sum(forward_flops(config, r + 1, prefix_length, 1) for r in rest)
    prefix_flops = forward_flops(config, prefix_length, 0, 0)
    rows = [
        ("recipe (apply_chat_template + generate)", recipe_seconds, recipe_cpu, recipe_flops),
        ("engine, prefix cached (steady state)", engine_seconds, engine_cpu, engine_flops),
        (
            "engine, cold (incl. one-off prefix)",
            engine_seconds + prefix_seconds,
            engine_cpu + prefix_cpu,
            engine_flops + prefix_flops,
        ),
    ]
    print(
        f"{'path':40} {'scans/s':>8} {'x recipe':>8} {'GFLOP/s':>8} {'% matmul':>8} "
        f"{'x recipe (CPU time)':>20}"
    )
    for name, seconds, cpu, flops in rows:
        rate = flops / seconds / 1e9
        print(
            f"{name:40} {len(items) / seconds:8.3f} {recipe_seconds / seconds:8.2f} "
            f"{rate:8.1f} {100 * rate / peak:7.0f}% {recipe_cpu / cpu:20.2f}"
        )
    ok = engine_error <= tolerance and same_tokens + near_ties == len(items)
    print("paths agree" if ok else "PATHS DISAGREE")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
