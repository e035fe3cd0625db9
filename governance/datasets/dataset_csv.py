"""Datasets as CSV: the columns, one row parsed into field values, one dataset written as a
row. Pure (no Django models), shared by the import service and the export."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from governance.datasets.fields import BOOLEAN_FIELDS, COUNT_FIELDS, DATASET_FIELDS, LIST_FIELDS
from governance.licensing import normalize_license_expression

# The import's columns are the editable fields; the export adds the review state and the
# verdict, and keeps the steward last (people fill that column in by hand).
_LEADING = tuple(name for name in DATASET_FIELDS if name not in ("steward", "next_review_date"))
EXPORT_COLUMNS: tuple[str, ...] = (
    *_LEADING,
    "status",
    "next_review_date",
    "steward",
    "commercial_use",
    "needs_legal_review",
)

_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}


class CsvHeaderInvalid(ValueError):
    """The file has no header row naming at least the `name` column."""


@dataclass
class CsvRow:
    """One data row: where it starts in the file, its values, or what is wrong with it."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _cell(name: str, raw: str, *, collection_methods: Collection[str]) -> Any:
    raw = (raw or "").strip()
    if raw[:1] == "'" and raw[1:2] in ("=", "+", "-", "@"):
        raw = raw[1:]  # the export's guard against spreadsheet formulas
    if name in BOOLEAN_FIELDS:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ValueError(f"{name} must be yes or no, not '{raw}'")
    if name in COUNT_FIELDS:
        if not raw:
            return None
        try:
            return int(raw.replace(",", "").replace("_", ""))
        except ValueError:
            raise ValueError(f"{name} must be a whole number, not '{raw}'") from None
    if name in LIST_FIELDS:
        return [item.strip() for item in raw.replace(",", ";").split(";") if item.strip()]
    if name == "next_review_date":
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"next_review_date must be a date (YYYY-MM-DD), not '{raw}'") from None
    if name == "collection_method":
        raw = raw or "licensed"
        if raw not in collection_methods:
            choices = ", ".join(collection_methods)
            raise ValueError(f"collection_method must be one of {choices}, not '{raw}'")
    if name == "license_expression":
        # LicenseExpressionInvalid is a ValueError: reported as this row's problem.
        return normalize_license_expression(raw)
    # `steward` stays a user name: the import service resolves it.
    return raw


def _newlines(value: str | list[str] | None) -> int:
    values = value if isinstance(value, list) else [value or ""]
    return sum(item.count("\n") for item in values)


def dataset_csv_parse(text: str, *, collection_methods: Collection[str]) -> list[CsvRow]:
    """Every data row of `text`, parsed; a row's `errors` say what is wrong with it.

    Columns that are not editable dataset fields (status, verdict) are ignored. Raises
    CsvHeaderInvalid without a `name` column.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise CsvHeaderInvalid("The CSV needs a header row with at least a 'name' column.")
    columns = [name for name in reader.fieldnames if name in DATASET_FIELDS]
    rows: list[CsvRow] = []
    seen: set[str] = set()
    for raw in reader:
        # A quoted field may span lines: report the row at the line where it starts.
        row = CsvRow(line=reader.line_num - sum(_newlines(value) for value in raw.values()))
        for name in columns:
            try:
                row.values[name] = _cell(
                    name, raw.get(name) or "", collection_methods=collection_methods
                )
            except ValueError as exc:
                row.errors.append(str(exc))
        name = row.values.get("name", "")
        if not name:
            row.errors.append("name is required")
        elif name.lower() in seen:
            row.errors.append(f"'{name}' appears twice in the file")
        seen.add(str(name).lower())
        rows.append(row)
    return rows


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def dataset_csv_rows(records: Iterable[Mapping[str, Any]]) -> Iterator[list[str]]:
    """Rows of text in `EXPORT_COLUMNS` order for records that map each column to its value
    (the steward as a user name); the caller writes them with `core.public.csv_text`, which
    keeps cells from running as spreadsheet formulas."""
    for record in records:
        yield [_text(record[name]) for name in EXPORT_COLUMNS]
