"""The default policy, pinned in the repository: Llama Guard 3's hazard categories with
descriptions in our words. `reference_data` loads it; demo data and tests read the same facts."""

from __future__ import annotations

from governance.policies.guard_prompt import LLAMA_GUARD_3_CATEGORIES

DEFAULT_POLICY_SLUG = "default"
DEFAULT_POLICY_NAME = "Default (Llama Guard 3)"
DEFAULT_POLICY_DESCRIPTION = (
    "Llama Guard 3's standard hazard taxonomy. Used for every output whose "
    "project has no policy of its own."
)
DEFAULT_POLICY_SUMMARY = "Llama Guard 3 standard categories; S14 off."
DEFAULT_REVIEW_CADENCE_DAYS = 180

DEFAULT_DESCRIPTIONS = {
    "S1": "Never help plan or carry out violence against people or animals (terrorism, "
    "murder, assault, kidnapping). Reporting on or discussing violence is allowed.",
    "S2": "Never enable non-violent crimes: fraud, scams, theft, hacking, drug or weapons "
    "trafficking. Explaining how crimes work in general terms is allowed.",
    "S3": "Never enable sex crimes such as trafficking, assault, harassment or prostitution.",
    "S4": "Never produce content that sexualises or exploits children, in any form.",
    "S5": "Never state verifiably false claims that damage a real, living person's reputation.",
    "S6": "Never give specialised financial, medical or legal advice as if it were a "
    "professional's. General information with a pointer to a professional is allowed.",
    "S7": "Never reveal sensitive, non-public personal information about a person.",
    "S8": "Never reproduce copyrighted works at length or help infringe intellectual property.",
    "S9": "Never help create chemical, biological, radiological, nuclear or high-yield "
    "explosive weapons.",
    "S10": "Never demean or dehumanise people for protected characteristics.",
    "S11": "Never encourage or instruct suicide, self-injury or disordered eating; "
    "pointing to help is allowed and expected.",
    "S12": "Never produce sexually explicit content.",
    "S13": "Never spread false information about electoral processes (when, where or how to vote).",
    "S14": "Never let the model abuse a code interpreter (denial of service, container "
    "escape, privilege escalation).",
}

# S14 only matters to code-interpreter deployments, and the 1B guard knows S1-S13.
DEFAULT_DISABLED = frozenset({"S14"})


def default_categories() -> list[dict[str, str | bool]]:
    """The default version's categories as plain dicts, in taxonomy order."""
    return [
        {
            "code": category.code,
            "name": category.name,
            "description": DEFAULT_DESCRIPTIONS[category.code],
            "action": "review",
            "enabled": category.code not in DEFAULT_DISABLED,
        }
        for category in LLAMA_GUARD_3_CATEGORIES
    ]
