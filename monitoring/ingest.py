"""Validation of pushed model outputs in plain Python (no Django): fast enough for bulk.

`item_clean(raw)` turns one item as a pipeline sent it into a `CleanOutput` or raises
`ItemError` with a message that says exactly which field is wrong and why.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import orjson

MAX_ITEMS = 1000
MAX_BODY_BYTES = 5 * 1024 * 1024

ROLES = ("user", "assistant")
FIELDS = {"external_id", "project", "model", "model_version", "conversation", "metadata"}
MAX_LENGTHS = {"external_id": 200, "project": 100, "model": 200, "model_version": 100}
MAX_TURNS = 500
MAX_CONTENT_CHARS = 200_000
MAX_METADATA_BYTES = 64 * 1024


class ItemError(ValueError):
    """One item cannot be stored; the message names the field and the problem."""


@dataclass(frozen=True)
class CleanOutput:
    external_id: str
    project: str
    model: str
    model_version: str
    conversation_json: str
    metadata_json: str
    conversation_sha256: str


def _text(value: Any, field: str, *, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ItemError(f"{field}: must be a string")
    if required and not value.strip():
        raise ItemError(f"{field}: must not be empty")
    if len(value) > MAX_LENGTHS[field]:
        raise ItemError(f"{field}: longer than {MAX_LENGTHS[field]} characters ({len(value)})")
    _check_storable(value, field)
    return value


def _check_storable(value: str, field: str) -> None:
    # PostgreSQL text and jsonb refuse NUL; a lone surrogate cannot be encoded as UTF-8.
    if "\x00" in value:
        raise ItemError(f"{field}: contains a NUL byte (\\u0000), which cannot be stored")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ItemError(f"{field}: not valid Unicode ({exc.reason})") from None


def _check_json_strings(value: Any, field: str) -> None:
    if isinstance(value, str):
        _check_storable(value, field)
    elif isinstance(value, float) and not math.isfinite(value):
        # A number like 1e999 parses as infinity, which JSON (and jsonb) would store as null.
        raise ItemError(f"{field}: not a finite number")
    elif isinstance(value, dict):
        for key, inner in value.items():
            _check_storable(key, field)
            _check_json_strings(inner, f"{field}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _check_json_strings(inner, f"{field}[{index}]")


def _conversation(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise ItemError("conversation: must be a list of {role, content} turns")
    if not value:
        raise ItemError("conversation: must have at least one turn")
    if len(value) > MAX_TURNS:
        raise ItemError(f"conversation: more than {MAX_TURNS} turns ({len(value)})")
    turns = []
    for index, turn in enumerate(value):
        where = f"conversation[{index}]"
        if not isinstance(turn, dict):
            raise ItemError(f"{where}: must be an object with role and content")
        extra = set(turn) - {"role", "content"}
        if extra:
            raise ItemError(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
        role = turn.get("role")
        if role not in ROLES:
            raise ItemError(f"{where}.role: must be 'user' or 'assistant', not {role!r}")
        content = turn.get("content")
        if not isinstance(content, str):
            raise ItemError(f"{where}.content: must be a string")
        if len(content) > MAX_CONTENT_CHARS:
            raise ItemError(
                f"{where}.content: longer than {MAX_CONTENT_CHARS} characters ({len(content)})"
            )
        _check_storable(content, f"{where}.content")
        turns.append({"role": role, "content": content})
    return turns


def conversation_canonical_json(conversation: list[dict[str, str]]) -> str:
    """The conversation as JSON with sorted keys and no spaces: equal conversations, equal text."""
    return orjson.dumps(conversation, option=orjson.OPT_SORT_KEYS).decode()


def conversation_sha256(conversation: list[dict[str, str]]) -> str:
    """A digest of the conversation that ignores key order and whitespace in the JSON."""
    return _digest(conversation_canonical_json(conversation))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def item_clean(raw: Any) -> CleanOutput:
    """Validate one pushed item; raise ItemError naming the first problem found."""
    if not isinstance(raw, dict):
        raise ItemError("item: must be an object")
    unknown = set(raw) - FIELDS
    if unknown:
        raise ItemError(f"item: unknown field(s) {', '.join(sorted(unknown))}")
    for field in ("external_id", "project", "model", "conversation"):
        if field not in raw:
            raise ItemError(f"{field}: this field is required")
    external_id = _text(raw["external_id"], "external_id", required=True)
    project = _text(raw["project"], "project", required=True)
    model = _text(raw["model"], "model", required=True)
    model_version = _text(raw.get("model_version"), "model_version", required=False)
    conversation = _conversation(raw["conversation"])
    metadata = raw.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ItemError("metadata: must be an object")
    _check_json_strings(metadata, "metadata")
    try:
        metadata_json = orjson.dumps(metadata).decode()
    except orjson.JSONEncodeError as exc:
        raise ItemError(f"metadata: cannot be stored as JSON ({exc})") from None
    if len(metadata_json.encode("utf-8")) > MAX_METADATA_BYTES:
        raise ItemError(f"metadata: larger than {MAX_METADATA_BYTES // 1024} KB")
    conversation_json = conversation_canonical_json(conversation)
    return CleanOutput(
        external_id=external_id,
        project=project,
        model=model,
        model_version=model_version,
        conversation_json=conversation_json,
        metadata_json=metadata_json,
        conversation_sha256=_digest(conversation_json),
    )
