"""The guard engine: verdicts, categories and P(unsafe) from tiny local checkpoints, and the
cached, batched path agreeing with a plain forward pass and with `generate()`."""

import subprocess
import sys

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from governance.policies.guard_prompt import (
    LLAMA_GUARD_3_CATEGORIES,
    GuardCategory,
    guard_prompt,
    guard_prompt_prefix,
    guard_prompt_suffix,
)
from monitoring.guard.engine import GuardEngine, GuardInput
from tests.guard.checkpoints import CONVERSATION_WORDS, build_random_guard, build_scripted_guard

CATEGORIES = list(LLAMA_GUARD_3_CATEGORIES[:13])
DESCRIBED = [GuardCategory(c.code, c.name, f"Content about {c.name.lower()}.") for c in CATEGORIES]
BREAD = [
    {"role": "user", "content": "how do i bake bread"},
    {"role": "assistant", "content": "mix flour water salt and yeast then bake it"},
]


def words(count, offset=0):
    vocabulary = CONVERSATION_WORDS
    return " ".join(vocabulary[(offset + i) % len(vocabulary)] for i in range(count))


def conversation(user_words, agent_words, offset=0):
    return [
        {"role": "user", "content": words(user_words, offset)},
        {"role": "assistant", "content": words(agent_words, offset + 7)},
    ]


def engine_from(path, **options):
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(path)
    return GuardEngine.from_pretrained_objects(
        model, tokenizer, model_id=str(path), revision="test", **options
    )


def scan(engine, conversations, **kwargs):
    kwargs.setdefault("categories", CATEGORIES)
    kwargs.setdefault("policy_key", "policy-1")
    items = [GuardInput(key=f"k{i}", conversation=c) for i, c in enumerate(conversations)]
    return engine.scan(items, **kwargs)


def test_scripted_unsafe_guard_gives_verdict_codes_and_high_p_unsafe(unsafe_guard_dir):
    [result] = scan(engine_from(unsafe_guard_dir), [BREAD])
    assert result.key == "k0"
    assert (result.verdict, result.categories, result.error) == ("unsafe", ["S1", "S3"], "")
    assert result.p_unsafe > 0.99
    assert result.raw_output.startswith("\n\nunsafe")
    assert result.prompt == guard_prompt(CATEGORIES, BREAD)
    assert not result.truncated
    assert result.latency_ms > 0


def test_scripted_safe_guard_gives_safe_and_low_p_unsafe(safe_guard_dir):
    [result] = scan(engine_from(safe_guard_dir), [BREAD])
    assert (result.verdict, result.categories, result.error) == ("safe", [], "")
    assert result.p_unsafe < 0.01


def test_the_verdict_is_read_where_generate_writes_it(unsafe_guard_dir):
    engine = engine_from(unsafe_guard_dir)
    [result] = scan(engine, [BREAD])
    ids = engine.tokenizer(result.prompt, add_special_tokens=False, return_tensors="pt")
    generated = engine.model.generate(**ids, max_new_tokens=12, do_sample=False)
    text = engine.tokenizer.decode(generated[0, ids.input_ids.shape[1] :], skip_special_tokens=True)
    assert text.startswith("\n\n")
    assert text.split() == result.raw_output.split()


def test_a_code_outside_the_policy_is_an_error(tmp_path):
    engine = engine_from(build_scripted_guard(tmp_path, categories=("S1", "S99")))
    [result] = scan(engine, [BREAD])
    assert result.verdict == "error"
    assert "S99" in result.error
    assert "S99" in result.raw_output


def test_a_random_model_is_not_answering_as_a_guard(random_guard_dir):
    [result] = scan(engine_from(random_guard_dir), [BREAD])
    assert result.verdict == "error"
    assert "not answering as a guard" in result.error
    assert result.p_unsafe is None


@pytest.mark.parametrize("pack_tokens", [None, 100])
def test_cached_batched_path_matches_a_plain_forward_pass_and_generate(tmp_path, pack_tokens):
    # Larger random weights make the logits depend visibly on the input.
    engine = engine_from(
        build_random_guard(tmp_path, initializer_range=0.3, seed=3), max_batch_tokens=pack_tokens
    )
    conversations = [conversation(u, a, offset=u) for u, a in [(3, 5), (40, 90), (12, 1), (7, 60)]]
    answers = engine.greedy_answers(
        [GuardInput(i, c) for i, c in enumerate(conversations)],
        categories=DESCRIBED,
        role="Agent",
        policy_key="described",
        with_descriptions=True,
        max_new_tokens=4,
    )
    for convo, (logits, tokens) in zip(conversations, answers, strict=True):
        prompt = guard_prompt(DESCRIBED, convo, with_descriptions=True) + "\n\n"
        ids = engine.tokenizer(prompt, add_special_tokens=False, return_tensors="pt").input_ids
        with torch.no_grad():
            plain = engine.model(ids).logits[0, -1]
        assert torch.allclose(logits, plain, atol=1e-4, rtol=1e-4)
        generated = engine.model.generate(ids, max_new_tokens=5, do_sample=False)
        expected = generated[0, ids.shape[1] :].tolist()
        assert tokens == expected[: len(tokens)]
        assert len(tokens) == 5 or tokens[-1] in engine.stop_ids


def test_results_come_back_in_order_with_duplicates_and_bad_items(unsafe_guard_dir):
    engine = engine_from(unsafe_guard_dir, max_batch_size=2)
    long_one = conversation(50, 80)
    conversations = [long_one, BREAD, [{"role": "robot", "content": "hi"}], BREAD, long_one]
    results = scan(engine, conversations)
    assert [r.key for r in results] == ["k0", "k1", "k2", "k3", "k4"]
    assert [r.verdict for r in results] == ["unsafe", "unsafe", "error", "unsafe", "unsafe"]
    assert "role" in results[2].error
    assert results[1].prompt == results[3].prompt == guard_prompt(CATEGORIES, BREAD)


def test_a_conversation_longer_than_the_context_is_truncated_from_its_start(tmp_path):
    engine = engine_from(
        build_scripted_guard(tmp_path, max_position_embeddings=400), max_batch_tokens=100000
    )
    long_convo = [
        {"role": "user", "content": "Defamation " + words(300)},
        {"role": "assistant", "content": words(200, 3) + " Hate"},
    ]
    short, long = scan(engine, [BREAD, long_convo])
    assert not short.truncated
    assert long.truncated
    assert long.verdict == "unsafe"  # answered: the other side sends it to review anyway
    assert long.prompt.startswith(guard_prompt_prefix(CATEGORIES))
    assert long.prompt.endswith(guard_prompt_suffix())
    # Category names (in the policy once) mark the conversation's first and last words.
    assert long.prompt.count("Defamation") == 1
    assert long.prompt.count("Hate") == 2
    tokens = engine.tokenizer(long.prompt, add_special_tokens=False).input_ids
    assert len(tokens) <= 400


def test_the_models_own_chat_template_is_preferred_when_it_renders_the_same_prefix(
    unsafe_guard_dir,
):
    engine = engine_from(unsafe_guard_dir)
    padded = [
        {"role": "user", "content": "  how do i bake bread  "},
        {"role": "assistant", "content": "mix flour\n"},
    ]
    [templated] = scan(engine, [padded])
    # The template strips each turn, as Llama Guard 3's does; the builder keeps it verbatim.
    assert "User: how do i bake bread\n\nAgent: mix flour\n\n" in templated.prompt
    # Asked about the User while the template picks the role from the turns: builder.
    [built] = scan(engine, [padded], role="User")
    assert built.prompt == guard_prompt(CATEGORIES, padded, role="User")


def test_importing_the_engine_does_not_import_torch():
    code = "import sys, monitoring.guard.engine; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("with_descriptions", [False, True])
def test_a_changed_policy_under_the_same_key_is_not_served_from_a_stale_cache(
    unsafe_guard_dir, with_descriptions
):
    engine = engine_from(unsafe_guard_dir)
    scan(engine, [BREAD], policy_key="p", with_descriptions=with_descriptions)
    narrowed = [GuardCategory("S1", "Violent Crimes"), GuardCategory("S3", "Sex Crimes")]
    [result] = scan(
        engine, [BREAD], categories=narrowed, policy_key="p", with_descriptions=with_descriptions
    )
    assert result.prompt == guard_prompt(narrowed, BREAD)
    assert result.categories == ["S1", "S3"]


def test_a_template_that_drops_the_conversation_is_not_trusted(unsafe_guard_dir):
    engine = engine_from(unsafe_guard_dir)
    template = engine.tokenizer.chat_template
    start = template.index("{%- for message in messages -%}")
    end = template.index("{%- endfor -%}", start) + len("{%- endfor -%}")
    engine.tokenizer.chat_template = template[:start] + template[end:]
    [result] = scan(engine, [BREAD])
    assert result.prompt == guard_prompt(CATEGORIES, BREAD)
    assert "how do i bake bread" in result.prompt
