"""The pure CSV module: parsing rows into field values and writing datasets out, no database."""

from datetime import date

import pytest

from core.public import csv_text
from governance.datasets.dataset_csv import (
    EXPORT_COLUMNS,
    CsvHeaderInvalid,
    dataset_csv_parse,
    dataset_csv_rows,
)

METHODS = ("crawl", "licensed", "manual")


def test_a_row_becomes_typed_field_values():
    text = (
        "\ufeffname,license_expression,languages,size_rows,web_crawled,next_review_date,steward,status\n"
        'C4,odc-by-1.0,"en, de","1,000",yes,2027-01-31,alice,approved\n'
    )
    [row] = dataset_csv_parse(text, collection_methods=METHODS)
    assert row.errors == [] and row.line == 2
    assert row.values == {
        "name": "C4",
        "license_expression": "ODC-By-1.0",
        "languages": ["en", "de"],
        "size_rows": 1000,
        "web_crawled": True,
        "next_review_date": date(2027, 1, 31),
        "steward": "alice",  # the import service resolves user names
    }


def test_every_problem_of_a_row_is_reported_at_the_line_where_the_row_starts():
    text = (
        "name,intended_use,size_rows,contains_faces,collection_method\n"
        '"Multi","two\nlines",lots,maybe,scraped\n'
        "Multi,,1,no,\n"
    )
    first, second = dataset_csv_parse(text, collection_methods=METHODS)
    assert first.line == 2 and len(first.errors) == 3
    assert second.line == 4 and second.errors == ["'Multi' appears twice in the file"]


def test_an_unknown_license_is_a_row_error_and_a_missing_name_column_refuses_the_file():
    [row] = dataset_csv_parse(
        "name,license_expression\nX,MIT AND FOO-1\n", collection_methods=METHODS
    )
    assert "FOO-1" in row.errors[0]
    with pytest.raises(CsvHeaderInvalid):
        dataset_csv_parse("title\nX\n", collection_methods=METHODS)


def test_written_cells_cannot_run_as_spreadsheet_formulas_and_read_back_the_same():
    record = {name: "" for name in EXPORT_COLUMNS} | {
        "name": "=HYPERLINK(1)",
        "languages": ["en", "ko"],
        "contains_faces": True,
        "size_rows": None,
        "collection_method": "manual",
    }
    text = csv_text(EXPORT_COLUMNS, dataset_csv_rows([record]))
    assert text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    assert "'=HYPERLINK(1)" in text and "en;ko" in text
    [row] = dataset_csv_parse(text, collection_methods=METHODS)
    assert row.values["name"] == "=HYPERLINK(1)" and row.values["contains_faces"] is True
    assert row.values["languages"] == ["en", "ko"] and row.values["size_rows"] is None
