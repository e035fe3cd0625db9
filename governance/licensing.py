"""License verdicts for datasets and training mixes: pure functions, no Django.

A verdict answers the questions Legal asks of training data (source material §7): may we use it
commercially, whom must we credit, does share-alike or no-derivatives bind us, and does a
lawyer need to look — each answer with the reasons in plain sentences.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import license_expression
from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    get_spdx_licensing,
)

ALLOWED = "allowed"
NOT_ALLOWED = "not_allowed"
UNKNOWN = "unknown"
COMMERCIAL_USE_CHOICES = (ALLOWED, NOT_ALLOWED, UNKNOWN)
# Lower is more restrictive: AND keeps the lowest, OR picks the highest.
_COMMERCIAL_RANK = {NOT_ALLOWED: 0, UNKNOWN: 1, ALLOWED: 2}

COMMERCIAL = "commercial"
NON_COMMERCIAL = "non_commercial"
ACADEMIC_ONLY = "academic_only"
UNSPECIFIED = "unspecified"
USE_CLASSES = (COMMERCIAL, NON_COMMERCIAL, ACADEMIC_ONLY, UNSPECIFIED)
_USE_CLASS_COMMERCIAL = {
    COMMERCIAL: ALLOWED,
    NON_COMMERCIAL: NOT_ALLOWED,
    ACADEMIC_ONLY: NOT_ALLOWED,
    UNSPECIFIED: UNKNOWN,
}

CURATED_SOURCE = "Steward curated facts"
CURATED_VERSION = "2026-11"
LICENSEREF_PREFIX = "licenseref-"


class LicenseExpressionInvalid(ValueError):
    """The expression does not parse or names a license id that does not exist."""

    def __init__(self, message: str, unknown_symbols: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.unknown_symbols = list(unknown_symbols)


@dataclass(frozen=True)
class LicenseFacts:
    """What a license means for training data."""

    key: str
    name: str = ""
    use_class: str = UNSPECIFIED
    attribution_required: bool = False
    share_alike: bool = False
    no_derivatives: bool = False
    needs_legal_review: bool = False
    note: str = ""
    is_exception: bool = False
    source: str = CURATED_SOURCE
    version: str = CURATED_VERSION

    @property
    def commercial_use(self) -> str:
        return _USE_CLASS_COMMERCIAL.get(self.use_class, UNKNOWN)


@dataclass(frozen=True)
class DatasetFlags:
    """Content and provenance facts about a dataset that matter beyond its license."""

    contains_books_or_papers: bool = False
    contains_faces: bool = False
    contains_personal_data: bool = False
    web_crawled: bool = False
    generated_by: str = ""
    pii_removed: bool = False


@dataclass
class Verdict:
    commercial_use: str = ALLOWED
    attribution_required: bool = False
    share_alike: bool = False
    no_derivatives: bool = False
    needs_legal_review: bool = False
    reasons: list[str] = field(default_factory=list)
    attribution_lines: list[str] = field(default_factory=list)
    # License keys that impose share-alike / copyleft or no-derivatives terms (for mix conflicts).
    share_alike_licenses: list[str] = field(default_factory=list)
    no_derivatives_licenses: list[str] = field(default_factory=list)
    # The licenses that actually apply after OR choices.
    licenses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "commercial_use": self.commercial_use,
            "attribution_required": self.attribution_required,
            "attribution_lines": list(self.attribution_lines),
            "share_alike": self.share_alike,
            "no_derivatives": self.no_derivatives,
            "needs_legal_review": self.needs_legal_review,
            "reasons": list(self.reasons),
            "licenses": list(self.licenses),
        }


# --- the catalog of facts -------------------------------------------------------------------

_CC_VERSIONS = ("2.0", "2.5", "3.0", "4.0")
_CC_FAMILIES = {
    # suffix: (use class, share-alike, no-derivatives, words)
    "BY": (COMMERCIAL, False, False, "attribution"),
    "BY-SA": (COMMERCIAL, True, False, "attribution, share-alike"),
    "BY-NC": (NON_COMMERCIAL, False, False, "attribution, non-commercial"),
    "BY-NC-SA": (NON_COMMERCIAL, True, False, "attribution, non-commercial, share-alike"),
    "BY-ND": (COMMERCIAL, False, True, "attribution, no derivatives"),
    "BY-NC-ND": (NON_COMMERCIAL, False, True, "attribution, non-commercial, no derivatives"),
}


def curated_facts() -> list[LicenseFacts]:
    facts = [
        LicenseFacts(
            "CC0-1.0",
            "Creative Commons Zero v1.0 Universal",
            COMMERCIAL,
            note="Public-domain dedication: training allowed, no conditions.",
        ),
        LicenseFacts(
            "PDDL-1.0",
            "Open Data Commons Public Domain Dedication & License 1.0",
            COMMERCIAL,
            note="Public-domain dedication for databases.",
        ),
        LicenseFacts(
            "Unlicense", "The Unlicense", COMMERCIAL, note="Public-domain dedication for code."
        ),
        LicenseFacts(
            "ODC-By-1.0",
            "Open Data Commons Attribution License v1.0",
            COMMERCIAL,
            attribution_required=True,
            note="Database license: use freely with attribution.",
        ),
        LicenseFacts(
            "ODbL-1.0",
            "Open Data Commons Open Database License v1.0",
            COMMERCIAL,
            attribution_required=True,
            share_alike=True,
            note="Share-alike for derived databases; attribution required.",
        ),
        LicenseFacts(
            "CDLA-Permissive-1.0",
            "Community Data License Agreement Permissive 1.0",
            COMMERCIAL,
            attribution_required=True,
        ),
        LicenseFacts(
            "CDLA-Permissive-2.0",
            "Community Data License Agreement Permissive 2.0",
            COMMERCIAL,
            attribution_required=True,
            note="Keep the license text with shared data; model results are unrestricted.",
        ),
        LicenseFacts(
            "CDLA-Sharing-1.0",
            "Community Data License Agreement Sharing 1.0",
            COMMERCIAL,
            attribution_required=True,
            share_alike=True,
        ),
    ]
    for version in _CC_VERSIONS:
        for suffix, (use_class, share_alike, no_derivatives, words) in _CC_FAMILIES.items():
            facts.append(
                LicenseFacts(
                    f"CC-{suffix}-{version}",
                    f"Creative Commons {suffix} {version}",
                    use_class,
                    attribution_required=True,
                    share_alike=share_alike,
                    no_derivatives=no_derivatives,
                    note=f"Creative Commons {words}.",
                )
            )
    for key, name in [
        ("MIT", "MIT License"),
        ("Apache-2.0", "Apache License 2.0"),
        ("BSD-2-Clause", 'BSD 2-Clause "Simplified" License'),
        ("BSD-3-Clause", 'BSD 3-Clause "New" or "Revised" License'),
        ("ISC", "ISC License"),
        ("Zlib", "zlib License"),
    ]:
        facts.append(
            LicenseFacts(key, name, COMMERCIAL, attribution_required=True, note="Permissive.")
        )
    for key, name in [
        ("GPL-2.0-only", "GNU General Public License v2.0 only"),
        ("GPL-2.0-or-later", "GNU General Public License v2.0 or later"),
        ("GPL-3.0-only", "GNU General Public License v3.0 only"),
        ("GPL-3.0-or-later", "GNU General Public License v3.0 or later"),
        ("AGPL-3.0-only", "GNU Affero General Public License v3.0 only"),
        ("AGPL-3.0-or-later", "GNU Affero General Public License v3.0 or later"),
        ("LGPL-2.1-only", "GNU Lesser General Public License v2.1 only"),
        ("LGPL-2.1-or-later", "GNU Lesser General Public License v2.1 or later"),
        ("LGPL-3.0-only", "GNU Lesser General Public License v3.0 only"),
        ("LGPL-3.0-or-later", "GNU Lesser General Public License v3.0 or later"),
        ("MPL-2.0", "Mozilla Public License 2.0"),
        ("GFDL-1.2-only", "GNU Free Documentation License v1.2 only"),
        ("GFDL-1.3-only", "GNU Free Documentation License v1.3 only"),
        ("GFDL-1.3-or-later", "GNU Free Documentation License v1.3 or later"),
    ]:
        facts.append(
            LicenseFacts(
                key,
                name,
                COMMERCIAL,
                attribution_required=True,
                share_alike=True,
                note="Copyleft: derived works must be shared under the same license.",
            )
        )
    review_note = (
        "Custom model license with an acceptable-use policy and conditions; "
        "legal must confirm the intended use."
    )
    for key, name in [
        ("LicenseRef-llama-2-community", "Llama 2 Community License"),
        ("LicenseRef-llama-3-community", "Meta Llama 3 Community License"),
        ("LicenseRef-llama-3.1-community", "Llama 3.1 Community License"),
        ("LicenseRef-llama-3.2-community", "Llama 3.2 Community License"),
        ("LicenseRef-llama-3.3-community", "Llama 3.3 Community License"),
        ("LicenseRef-openrail", "Open RAIL License"),
        ("LicenseRef-openrail-m", "Open RAIL-M License"),
        ("LicenseRef-bigscience-openrail-m", "BigScience Open RAIL-M License"),
        ("LicenseRef-creativeml-openrail-m", "CreativeML Open RAIL-M License"),
        ("LicenseRef-bigscience-bloom-rail-1.0", "BigScience BLOOM RAIL License v1.0"),
    ]:
        facts.append(
            LicenseFacts(
                key,
                name,
                COMMERCIAL,
                attribution_required=True,
                needs_legal_review=True,
                note=review_note,
            )
        )
    api_note = (
        "Terms of a model API: outputs may not be used to develop competing models; "
        "legal must confirm that training on them is permitted."
    )
    for key, name in [
        ("LicenseRef-openai-terms", "OpenAI Terms of Use"),
        ("LicenseRef-anthropic-terms", "Anthropic Commercial Terms"),
        ("LicenseRef-google-gemini-terms", "Gemini API Additional Terms"),
        ("LicenseRef-cohere-terms", "Cohere Terms of Use"),
    ]:
        facts.append(LicenseFacts(key, name, UNSPECIFIED, needs_legal_review=True, note=api_note))
    facts.append(
        LicenseFacts(
            "LicenseRef-research-only",
            "Research use only",
            ACADEMIC_ONLY,
            attribution_required=True,
            needs_legal_review=True,
            note="Academic or research use only.",
        )
    )
    return facts


# Model API providers whose output terms apply to model-generated data.
API_TERMS = {
    "openai": "LicenseRef-openai-terms",
    "gpt": "LicenseRef-openai-terms",
    "chatgpt": "LicenseRef-openai-terms",
    "davinci": "LicenseRef-openai-terms",
    "anthropic": "LicenseRef-anthropic-terms",
    "claude": "LicenseRef-anthropic-terms",
    "gemini": "LicenseRef-google-gemini-terms",
    "palm": "LicenseRef-google-gemini-terms",
    "google": "LicenseRef-google-gemini-terms",
    "cohere": "LicenseRef-cohere-terms",
    "llama": "LicenseRef-llama-3.1-community",
}

_SCANCODE_CATEGORY = {
    # ScanCode category: (use class, attribution, share-alike, needs review)
    "Public Domain": (COMMERCIAL, False, False, False),
    "Permissive": (COMMERCIAL, True, False, False),
    "Copyleft": (COMMERCIAL, True, True, False),
    "Copyleft Limited": (COMMERCIAL, True, True, False),
}


def _scancode_index_path() -> Path:
    return Path(license_expression.__file__).parent / "data" / "scancode-licensedb-index.json"


def scancode_data_version() -> str:
    about = _scancode_index_path().parent / "license_key_index.json.ABOUT"
    for line in about.read_text().splitlines() if about.exists() else []:
        if line.startswith("spdx_license_list_version:"):
            return "SPDX " + line.split(":", 1)[1].strip()
    return "bundled"


@cache
def builtin_catalog() -> dict[str, LicenseFacts]:
    """Facts for every SPDX / ScanCode id bundled with license-expression, plus curated facts.

    Keyed by the lower-cased id. Categories other than public domain, permissive and copyleft
    (proprietary, source-available, commercial...) have unspecified use and need review.
    """
    catalog: dict[str, LicenseFacts] = {}
    version = scancode_data_version()
    for entry in json.loads(_scancode_index_path().read_text()):
        key = entry.get("spdx_license_key")
        if not key or entry.get("is_deprecated"):
            continue
        category = entry.get("category") or ""
        use_class, attribution, share_alike, review = _SCANCODE_CATEGORY.get(
            category, (UNSPECIFIED, False, False, True)
        )
        catalog[key.lower()] = LicenseFacts(
            key,
            entry.get("license_key", key),
            use_class,
            attribution_required=attribution,
            share_alike=share_alike,
            needs_legal_review=review,
            note=f"ScanCode category: {category or 'none'}.",
            is_exception=bool(entry.get("is_exception")),
            source="ScanCode LicenseDB via license-expression",
            version=version,
        )
    for facts in curated_facts():
        catalog[facts.key.lower()] = facts
    return catalog


# --- parsing ---------------------------------------------------------------------------------


@cache
def _licensing() -> license_expression.Licensing:
    return get_spdx_licensing()


def parse_license_expression(text: str) -> Any:
    """Parse an SPDX expression; `LicenseRef-…` ids are allowed, other unknown ids are not.

    Returns the parsed expression (None for a blank one); raises LicenseExpressionInvalid.
    """
    text = (text or "").strip()
    if not text:
        return None
    licensing = _licensing()
    try:
        result = licensing.validate(text)
    except (ExpressionError, AttributeError) as exc:
        # Some syntax errors trip over the library's own error reporting.
        raise LicenseExpressionInvalid(f"'{text}' is not a valid license expression.") from exc
    unknown = [
        symbol
        for symbol in result.invalid_symbols
        if symbol and not symbol.lower().startswith(LICENSEREF_PREFIX)
    ]
    if unknown:
        names = ", ".join(unknown)
        raise LicenseExpressionInvalid(
            f"Unknown license identifier: {names}. Use an SPDX id (e.g. CC-BY-4.0) "
            "or a LicenseRef-… id for a custom license.",
            unknown,
        )
    if any(not symbol for symbol in result.invalid_symbols):
        raise LicenseExpressionInvalid(f"'{text}' is not a valid license expression.")
    try:
        return licensing.parse(text, validate=False)
    except ExpressionError as exc:
        raise LicenseExpressionInvalid(
            f"'{text}' is not a valid license expression: {exc}"
        ) from exc


def normalize_license_expression(text: str) -> str:
    parsed = parse_license_expression(text)
    return "" if parsed is None else str(parsed)


def license_keys(text: str) -> list[str]:
    """Every license and exception id in the expression, in order, without duplicates."""
    parsed = parse_license_expression(text)
    if parsed is None:
        return []
    keys: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, LicenseWithExceptionSymbol):
            found = [node.license_symbol.key, node.exception_symbol.key]
        elif isinstance(node, LicenseSymbol):
            found = [node.key]
        else:
            found = []
            for arg in node.args:
                walk(arg)
        keys.extend(key for key in found if key not in keys)

    walk(parsed)
    return keys


# --- verdicts --------------------------------------------------------------------------------


def _symbol_verdict(key: str, catalog: Mapping[str, LicenseFacts]) -> Verdict:
    facts = catalog.get(key.lower())
    if facts is None:
        return Verdict(
            commercial_use=UNKNOWN,
            needs_legal_review=True,
            reasons=[f"{key} is a custom license that is not in the catalog: legal must read it."],
            licenses=[key],
        )
    verdict = Verdict(
        commercial_use=facts.commercial_use,
        attribution_required=facts.attribution_required,
        share_alike=facts.share_alike,
        no_derivatives=facts.no_derivatives,
        needs_legal_review=facts.needs_legal_review,
        share_alike_licenses=[facts.key] if facts.share_alike else [],
        no_derivatives_licenses=[facts.key] if facts.no_derivatives else [],
        licenses=[facts.key],
    )
    if facts.use_class == NON_COMMERCIAL:
        verdict.needs_legal_review = True
        verdict.reasons.append(f"{facts.key} allows non-commercial use only.")
    elif facts.use_class == ACADEMIC_ONLY:
        verdict.needs_legal_review = True
        verdict.reasons.append(f"{facts.key} allows academic or research use only.")
    elif facts.use_class == UNSPECIFIED:
        verdict.reasons.append(f"{facts.key} does not say whether commercial use is allowed.")
    else:
        verdict.reasons.append(f"{facts.key} allows commercial use.")
    if facts.attribution_required:
        verdict.reasons.append(f"{facts.key} requires attribution.")
    if facts.share_alike:
        verdict.reasons.append(
            f"{facts.key} is share-alike: derived data must keep the same license."
        )
    if facts.no_derivatives:
        verdict.reasons.append(f"{facts.key} forbids derivatives: no modified or mixed copies.")
    if facts.needs_legal_review and facts.use_class not in (NON_COMMERCIAL, ACADEMIC_ONLY):
        verdict.reasons.append(
            f"{facts.key} needs legal review: {facts.note or 'its terms are not standard.'}"
        )
    return verdict


def _combine_all(parts: Sequence[Verdict]) -> Verdict:
    """AND: every part applies, so the result is the most restrictive of them."""
    combined = Verdict(
        commercial_use=min(
            (p.commercial_use for p in parts), key=_COMMERCIAL_RANK.__getitem__, default=ALLOWED
        )
    )
    for part in parts:
        combined.attribution_required |= part.attribution_required
        combined.share_alike |= part.share_alike
        combined.no_derivatives |= part.no_derivatives
        combined.needs_legal_review |= part.needs_legal_review
        for attr in (
            "reasons",
            "attribution_lines",
            "share_alike_licenses",
            "no_derivatives_licenses",
            "licenses",
        ):
            target = getattr(combined, attr)
            target.extend(item for item in getattr(part, attr) if item not in target)
    return combined


def _burden(verdict: Verdict) -> tuple[int, int, int, int, int]:
    """Sort key for OR: best for commercial use first, then the fewest obligations."""
    return (
        -_COMMERCIAL_RANK[verdict.commercial_use],
        int(verdict.needs_legal_review),
        int(verdict.no_derivatives),
        int(verdict.share_alike),
        int(verdict.attribution_required),
    )


def _expression_verdict(node: Any, catalog: Mapping[str, LicenseFacts]) -> Verdict:
    if isinstance(node, LicenseWithExceptionSymbol):
        base = _symbol_verdict(node.license_symbol.key, catalog)
        exception = node.exception_symbol.key
        base.reasons.append(
            f"{node.license_symbol.key} is used with the {exception} exception, "
            "which relaxes some of its terms."
        )
        base.licenses = [f"{node.license_symbol.key} WITH {exception}"]
        return base
    if isinstance(node, LicenseSymbol):
        return _symbol_verdict(node.key, catalog)
    if isinstance(node, AND):
        return _combine_all([_expression_verdict(arg, catalog) for arg in node.args])
    if isinstance(node, OR):
        options = [(str(arg), _expression_verdict(arg, catalog)) for arg in node.args]
        chosen_text, chosen = min(options, key=lambda pair: _burden(pair[1]))
        alternatives = " / ".join(text for text, _ in options)
        chosen.reasons.insert(
            0,
            f"Of the alternatives {alternatives}, {chosen_text} was chosen "
            "as the best for commercial use.",
        )
        return chosen
    raise LicenseExpressionInvalid(f"Unsupported license expression part: {node}")


def api_terms_for(generated_by: str) -> str | None:
    """The `LicenseRef-…` terms of the model API that produced the data, if we know them."""
    text = generated_by.lower()
    for word, key in API_TERMS.items():
        if word in text:
            return key
    return None


def dataset_verdict(
    expression: str,
    *,
    catalog: Mapping[str, LicenseFacts] | None = None,
    flags: DatasetFlags | None = None,
    name: str = "",
    source_url: str = "",
    license_url: str = "",
) -> Verdict:
    """The verdict for one dataset: its license expression plus its content and provenance.

    `catalog` maps lower-cased license ids to facts (defaults to the built-in catalog).
    Raises LicenseExpressionInvalid for an expression that does not parse.
    """
    catalog = builtin_catalog() if catalog is None else catalog
    flags = flags or DatasetFlags()
    parsed = parse_license_expression(expression)
    if parsed is None:
        verdict = Verdict(
            commercial_use=UNKNOWN,
            needs_legal_review=True,
            reasons=["No license is recorded: legal must establish the terms."],
        )
    else:
        verdict = _expression_verdict(parsed, catalog)

    extra: list[Verdict] = []
    if flags.generated_by.strip():
        terms = api_terms_for(flags.generated_by)
        if terms:
            terms_verdict = _symbol_verdict(terms, catalog)
            terms_verdict.reasons.insert(
                0,
                f"Generated by {flags.generated_by}: the output terms ({terms}) apply too.",
            )
            extra.append(terms_verdict)
        else:
            extra.append(
                Verdict(
                    commercial_use=UNKNOWN,
                    needs_legal_review=True,
                    reasons=[
                        f"Generated by {flags.generated_by}: legal must check whether that "
                        "model's terms allow training on its outputs."
                    ],
                )
            )
    if extra:
        verdict = _combine_all([verdict, *extra])

    if flags.contains_faces:
        verdict.needs_legal_review = True
        verdict.reasons.append(
            "Contains images of faces: portrait and personality rights (biometric data) apply."
        )
    if flags.contains_books_or_papers:
        verdict.needs_legal_review = True
        verdict.reasons.append("Contains books or papers: copyrighted works carry legal risk.")
    if flags.contains_personal_data:
        if flags.pii_removed:
            verdict.reasons.append("Contains personal data; a PII removal step is recorded.")
        else:
            verdict.needs_legal_review = True
            verdict.reasons.append("Contains personal data and no PII removal step is recorded.")
    if flags.web_crawled:
        verdict.reasons.append(
            "Web-crawled: check the sites' terms and opt-outs (robots.txt) for the crawl."
        )

    if verdict.attribution_required:
        verdict.attribution_lines = [
            attribution_line(name, verdict.licenses, source_url=source_url, license_url=license_url)
        ]
    return verdict


def attribution_line(
    name: str, licenses: Iterable[str], *, source_url: str = "", license_url: str = ""
) -> str:
    line = f"{name or 'This dataset'}"
    if source_url:
        line += f" ({source_url})"
    line += f", licensed under {' AND '.join(licenses) or 'its own terms'}"
    if license_url:
        line += f" ({license_url})"
    return line + "."


# --- training mixes --------------------------------------------------------------------------


@dataclass(frozen=True)
class MixPart:
    name: str
    weight: float
    verdict: Verdict
    status: str = ""
    languages: tuple[str, ...] = ()


@dataclass
class MixVerdict:
    verdict: Verdict
    conflicts: list[str]
    shares: dict[str, float]
    languages: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.verdict.as_dict() | {
            "conflicts": list(self.conflicts),
            "shares": dict(self.shares),
            "languages": dict(self.languages),
        }


def language_balance(parts: Sequence[MixPart], shares: Mapping[str, float]) -> dict[str, float]:
    """Each language's share of the mix; a multilingual part splits its share evenly."""
    balance: dict[str, float] = {}
    for part in parts:
        languages = part.languages or ("unspecified",)
        for language in languages:
            balance[language] = balance.get(language, 0.0) + shares[part.name] / len(languages)
    return {
        language: round(share, 4)
        for language, share in sorted(balance.items(), key=lambda item: (-item[1], item[0]))
    }


def _copyleft_family(key: str) -> str:
    """Versions of one license (GPL-3.0-only / -or-later) count as one family."""
    base = key.split(" WITH ")[0]
    for suffix in ("-only", "-or-later"):
        base = base.removesuffix(suffix)
    return base


def training_mix_verdict(parts: Sequence[MixPart]) -> MixVerdict:
    """A mix is as restrictive as its most restrictive part; conflicts are listed apart.

    Conflicts: two different share-alike / copyleft licenses (their terms cannot both be met)
    and any no-derivatives component (mixing is a derivative).
    """
    if not parts:
        return MixVerdict(
            Verdict(
                commercial_use=UNKNOWN,
                reasons=["The mix has no datasets yet."],
            ),
            [],
            {},
        )
    combined = _combine_all([part.verdict for part in parts])
    combined.reasons = []
    for part in parts:
        combined.reasons.extend(f"{part.name}: {reason}" for reason in part.verdict.reasons)
    conflicts: list[str] = []
    families: dict[str, list[str]] = {}
    for part in parts:
        for key in part.verdict.share_alike_licenses:
            families.setdefault(_copyleft_family(key), []).append(part.name)
        for key in part.verdict.no_derivatives_licenses:
            conflicts.append(
                f"{part.name} is under {key}, which forbids derivatives: "
                "it cannot be mixed into training data without permission."
            )
    if len(families) > 1:
        described = "; ".join(
            f"{family} ({', '.join(names)})" for family, names in sorted(families.items())
        )
        conflicts.append(f"Incompatible share-alike or copyleft licenses in one mix: {described}.")
    if conflicts:
        combined.needs_legal_review = True
    total = sum(max(part.weight, 0.0) for part in parts)
    shares = {part.name: round(part.weight / total, 4) if total else 0.0 for part in parts}
    return MixVerdict(combined, conflicts, shares, language_balance(parts, shares))


def attribution_notice(mix_name: str, parts: Sequence[MixPart]) -> str:
    """A Markdown NOTICE listing every component that needs attribution."""
    lines = [
        f"# NOTICE: {mix_name}",
        "",
        "This training mix includes the following data, used under the licenses below.",
        "",
    ]
    needing = [part for part in parts if part.verdict.attribution_required]
    if not needing:
        lines.append("No component of this mix requires attribution.")
    for part in needing:
        for line in part.verdict.attribution_lines:
            lines.append(f"- {line}")
    others = [part.name for part in parts if not part.verdict.attribution_required]
    if needing and others:
        lines += ["", "No attribution required: " + ", ".join(others) + "."]
    return "\n".join(lines) + "\n"
