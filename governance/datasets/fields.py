"""The dataset fields a person may set: one list for the form, the API and the CSV columns."""

from __future__ import annotations

# What a dataset's steward edits (the form's fields, the API's writable fields, the import's
# columns). Review fields (status, reviewer, decision) are set by Legal's decisions only.
DATASET_FIELDS: tuple[str, ...] = (
    "name",
    "version",
    "homepage",
    "hub_id",
    "steward",
    "license_expression",
    "license_url",
    "collection_method",
    "generated_by",
    "contains_books_or_papers",
    "contains_faces",
    "contains_personal_data",
    "web_crawled",
    "languages",
    "task_categories",
    "size_rows",
    "size_tokens",
    "intended_use",
    "prep_language_filter",
    "prep_dedup",
    "prep_quality_filter",
    "prep_pii_removal",
    "prep_toxicity_filter",
    "next_review_date",
)
BOOLEAN_FIELDS = frozenset(
    name for name in DATASET_FIELDS if name.startswith(("contains_", "prep_", "web_"))
)
LIST_FIELDS = frozenset({"languages", "task_categories"})
COUNT_FIELDS = frozenset({"size_rows", "size_tokens"})
# Changing any of these after a decision sends the dataset back to draft.
VERDICT_FIELDS = frozenset(
    {
        "license_expression",
        "generated_by",
        "contains_books_or_papers",
        "contains_faces",
        "contains_personal_data",
        "web_crawled",
        "prep_pii_removal",
    }
)
