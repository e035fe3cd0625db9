"""Read Llama Guard's text answer (`safe`, or `unsafe` and the violated codes) leniently."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class ParsedAnswer:
    verdict: str  # "safe" | "unsafe" | "error"
    categories: list[str] = field(default_factory=list)
    error: str = ""


def parse_guard_answer(text: str, allowed_codes: Iterable[str]) -> ParsedAnswer:
    """Verdict and codes from the guard's answer; anything else is an error, never "safe".

    Whitespace and case are ignored, codes may be separated by commas, semicolons or spaces
    and may follow the verdict on the same line. A code outside `allowed_codes` is an error.
    """
    allowed = {code.upper(): code for code in allowed_codes}
    words = [word for word in _SEPARATORS.split(text.strip()) if word]
    if not words:
        return ParsedAnswer("error", error="The guard gave an empty answer")
    first = words[0].lower().strip(".:")
    if first == "safe":
        return ParsedAnswer("safe")
    if first != "unsafe":
        return ParsedAnswer("error", error=f"Unparseable guard answer: {_shorten(text)!r}")
    codes: list[str] = []
    for word in words[1:]:
        code = word.strip(".:").upper()
        if not code:
            continue
        if code not in allowed:
            return ParsedAnswer(
                "error", error=f"Unknown category code {word!r} in the guard's answer"
            )
        if allowed[code] not in codes:
            codes.append(allowed[code])
    if not codes:
        return ParsedAnswer("error", error="The guard answered 'unsafe' without category codes")
    return ParsedAnswer("unsafe", codes)


def _shorten(text: str, limit: int = 80) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"
