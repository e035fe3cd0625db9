"""The guard's answer is read leniently, and anything unexpected is an error, never safe."""

import pytest

from monitoring.guard.parsing import parse_guard_answer

CODES = ["S1", "S2", "S10"]


@pytest.mark.parametrize("text", ["\n\nsafe", "safe", "  SAFE \n", "Safe.", "\n\n safe <eot>"])
def test_safe_answers(text):
    parsed = parse_guard_answer(text, CODES)
    assert (parsed.verdict, parsed.categories, parsed.error) == ("safe", [], "")


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("\n\nunsafe\nS1", ["S1"]),
        ("UNSAFE\n s1, S2 ", ["S1", "S2"]),
        ("unsafe S1,S2", ["S1", "S2"]),
        ("Unsafe\nS2;S10.", ["S2", "S10"]),
        ("unsafe \n S1 , S1 , S2", ["S1", "S2"]),
    ],
)
def test_unsafe_answers_with_codes(text, codes):
    parsed = parse_guard_answer(text, CODES)
    assert (parsed.verdict, parsed.categories) == ("unsafe", codes)


def test_unknown_code_is_an_error():
    parsed = parse_guard_answer("unsafe\nS1,S99", CODES)
    assert parsed.verdict == "error"
    assert "S99" in parsed.error


@pytest.mark.parametrize("text", ["", "   ", "maybe", "I cannot help with that", "unsafe"])
def test_unparseable_answers_are_errors(text):
    parsed = parse_guard_answer(text, CODES)
    assert parsed.verdict == "error"
    assert parsed.error
