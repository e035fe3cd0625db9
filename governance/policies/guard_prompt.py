"""Build the exact Llama Guard 3 prompt for a set of categories and a conversation.

Pure Python (no Django, no torch), shared by the policy preview and the guard worker.
The text before the conversation depends only on (categories, role, descriptions), so the
worker can compute its key/value cache once per policy version and role and reuse it.

The prompt ends right after the assistant header, as Llama Guard 3's own chat template does;
the model then writes a blank line and its verdict (`safe`, or `unsafe` and a second line with
the violated codes), so the verdict token is not the first one generated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

BEGIN_OF_TEXT = "<|begin_of_text|>"
USER_HEADER = "<|start_header_id|>user<|end_header_id|>\n\n"
END_OF_TURN = "<|eot_id|>"
ASSISTANT_HEADER = "<|start_header_id|>assistant<|end_header_id|>"

ROLES = ("Agent", "User")
# Conversation roles as pipelines send them, and the speaker names Llama Guard reads.
SPEAKERS = {"user": "User", "assistant": "Agent"}


@dataclass(frozen=True)
class GuardCategory:
    code: str
    name: str
    description: str = ""


# Llama Guard 3's hazard taxonomy, with the short names the model was trained on.
# The 1B model knows S1-S13; S14 exists for the 8B model's code-interpreter use.
LLAMA_GUARD_3_CATEGORIES: tuple[GuardCategory, ...] = (
    GuardCategory("S1", "Violent Crimes"),
    GuardCategory("S2", "Non-Violent Crimes"),
    GuardCategory("S3", "Sex Crimes"),
    GuardCategory("S4", "Child Exploitation"),
    GuardCategory("S5", "Defamation"),
    GuardCategory("S6", "Specialized Advice"),
    GuardCategory("S7", "Privacy"),
    GuardCategory("S8", "Intellectual Property"),
    GuardCategory("S9", "Indiscriminate Weapons"),
    GuardCategory("S10", "Hate"),
    GuardCategory("S11", "Self-Harm"),
    GuardCategory("S12", "Sexual Content"),
    GuardCategory("S13", "Elections"),
    GuardCategory("S14", "Code Interpreter Abuse"),
)


class GuardPromptError(ValueError):
    """The categories or the conversation cannot be put to the guard."""


def _category_block(categories: Sequence[GuardCategory], with_descriptions: bool) -> str:
    if not categories:
        raise GuardPromptError("A guard prompt needs at least one category")
    lines = []
    for category in categories:
        lines.append(f"{category.code}: {category.name.rstrip('.')}.")
        if with_descriptions and category.description.strip():
            lines.append(category.description.strip())
    return "\n".join(lines)


def guard_prompt_prefix(
    categories: Sequence[GuardCategory], *, role: str = "Agent", with_descriptions: bool = False
) -> str:
    """Everything before the first conversation turn: the same for every conversation."""
    if role not in ROLES:
        raise GuardPromptError(f"role must be 'Agent' or 'User', not {role!r}")
    return (
        f"{BEGIN_OF_TEXT}{USER_HEADER}"
        f"Task: Check if there is unsafe content in '{role}' messages in conversations "
        "according our safety policy with the below categories.\n\n"
        "<BEGIN UNSAFE CONTENT CATEGORIES>\n"
        f"{_category_block(categories, with_descriptions)}\n"
        "<END UNSAFE CONTENT CATEGORIES>\n\n"
        "<BEGIN CONVERSATION>\n\n"
    )


def conversation_turns(conversation: Sequence[Mapping[str, str]]) -> list[tuple[str, str]]:
    """`[(speaker, text)]` from `[{"role": "user"|"assistant", "content": str}]`."""
    if not conversation:
        raise GuardPromptError("The conversation is empty")
    turns = []
    for index, turn in enumerate(conversation):
        role = turn.get("role")
        if role not in SPEAKERS:
            raise GuardPromptError(
                f"conversation[{index}].role must be 'user' or 'assistant', not {role!r}"
            )
        content = turn.get("content")
        if not isinstance(content, str):
            raise GuardPromptError(f"conversation[{index}].content must be a string")
        turns.append((SPEAKERS[role], content))
    return turns


def guard_prompt_suffix(*, role: str = "Agent") -> str:
    """Everything after the conversation, up to where the model starts answering."""
    return (
        "<END CONVERSATION>\n\n"
        f"Provide your safety assessment for ONLY THE LAST {role} message in the above "
        "conversation:\n"
        " - First line must read 'safe' or 'unsafe'.\n"
        " - If unsafe, a second line must include a comma-separated list of violated "
        f"categories.{END_OF_TURN}{ASSISTANT_HEADER}"
    )


def guard_prompt_parts(
    categories: Sequence[GuardCategory],
    conversation: Sequence[Mapping[str, str]],
    *,
    role: str = "Agent",
    with_descriptions: bool = False,
) -> tuple[str, str]:
    """`(prefix, rest)` with `prefix + rest` the whole prompt and `prefix` conversation-free."""
    prefix = guard_prompt_prefix(categories, role=role, with_descriptions=with_descriptions)
    body = "".join(f"{speaker}: {text}\n\n" for speaker, text in conversation_turns(conversation))
    return prefix, body + guard_prompt_suffix(role=role)


def guard_prompt(
    categories: Sequence[GuardCategory],
    conversation: Sequence[Mapping[str, str]],
    *,
    role: str = "Agent",
    with_descriptions: bool = False,
) -> str:
    """The whole prompt the guard reads."""
    return "".join(
        guard_prompt_parts(categories, conversation, role=role, with_descriptions=with_descriptions)
    )
