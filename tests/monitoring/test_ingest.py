"""Validation of pushed items, in plain Python (no database)."""

import pytest

from monitoring.ingest import ItemError, conversation_sha256, item_clean
from tests.monitoring.factories import item


def test_a_valid_item_is_cleaned_with_a_stable_digest():
    clean = item_clean(item(1))
    assert clean.external_id == "ext-1"
    assert clean.model_version == "2026-11"
    reordered = [{"content": t["content"], "role": t["role"]} for t in item(1)["conversation"]]
    assert clean.conversation_sha256 == conversation_sha256(reordered)


def test_optional_fields_default_to_empty():
    body = item(1)
    del body["model_version"], body["metadata"]
    clean = item_clean(body)
    assert (clean.model_version, clean.metadata_json) == ("", "{}")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"conversation": []}, "conversation: must have at least one turn"),
        ({"conversation": "hi"}, "conversation: must be a list"),
        (
            {"conversation": [{"role": "system", "content": "x"}]},
            "conversation[0].role: must be 'user' or 'assistant', not 'system'",
        ),
        ({"conversation": [{"role": "user"}]}, "conversation[0].content: must be a string"),
        (
            {"conversation": [{"role": "user", "content": "a\x00b"}]},
            "conversation[0].content: contains a NUL byte",
        ),
        ({"external_id": "x" * 201}, "external_id: longer than 200 characters (201)"),
        ({"external_id": "  "}, "external_id: must not be empty"),
        ({"project": 7}, "project: must be a string"),
        ({"metadata": [1]}, "metadata: must be an object"),
        ({"metadata": {"k": "v\x00"}}, "metadata.k: contains a NUL byte"),
        ({"metadata": {"k": "x" * 70_000}}, "metadata: larger than 64 KB"),
        ({"metadata": {"score": float("inf")}}, "metadata.score: not a finite number"),
        ({"metadata": {"xs": [1.0, float("nan")]}}, "metadata.xs[1]: not a finite number"),
        ({"colour": "red"}, "item: unknown field(s) colour"),
        ({"conversation": [{"role": "user", "content": "\ud800"}]}, "not valid Unicode"),
    ],
)
def test_bad_items_get_a_message_naming_the_field(change, message):
    with pytest.raises(ItemError, match=None) as exc:
        item_clean(item(1, **change))
    assert message in str(exc.value)


def test_a_missing_required_field_is_named():
    body = item(1)
    del body["model"]
    with pytest.raises(ItemError, match="model: this field is required"):
        item_clean(body)


def test_a_non_object_item_is_refused():
    with pytest.raises(ItemError, match="item: must be an object"):
        item_clean(["not", "an", "object"])
