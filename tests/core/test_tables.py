"""The shared list table: case-insensitive sort, sort links, pager, empty states, no nesting."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import RequestFactory

from core.tables import Column, table_build

pytestmark = pytest.mark.django_db
TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _row_template(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    ]


COLUMNS = [Column("User", sort="username"), Column("Joined", sort="date_joined"), Column("Id")]


def _table(query: str = "", **kwargs):
    request = RequestFactory().get(f"/people/?{query}")
    kwargs.setdefault("empty", "Nobody yet.")
    return request, table_build(
        request,
        User.objects.all(),
        columns=COLUMNS,
        row_template="core_tests/_user_row.html",
        **kwargs,
    )


def test_text_sorts_ignore_case_and_unknown_sorts_are_ignored():
    for name in ["databricks-dolly-15k", "Alpaca", "OpenOrca"]:
        User.objects.create(username=name)
    _, table = _table("sort=username")
    assert [u.username for u in table.rows] == ["Alpaca", "databricks-dolly-15k", "OpenOrca"]
    _, table = _table("sort=-username")
    assert [u.username for u in table.rows] == ["OpenOrca", "databricks-dolly-15k", "Alpaca"]
    # Sorting by a column that does not offer it (or a made-up field) changes nothing.
    _, table = _table("sort=password")
    assert table.sort == "password" and len(table.rows) == 3


def test_header_links_toggle_direction_and_keep_filters():
    _, table = _table("q=ab&sort=username&page=2")
    user, joined, plain = table.header
    assert user.direction == "ascending" and "sort=-username" in user.query
    assert "q=ab" in user.query and "page=" not in user.query
    assert joined.direction == "" and "sort=date_joined" in joined.query
    assert not plain.sortable


def test_rendered_table_is_one_element_that_replaces_itself():
    User.objects.bulk_create(User(username=f"user{i:02}") for i in range(30))
    request, table = _table("sort=username", page_size=10)
    html = render_to_string("htmx/table.html", {"table": table, "request": request})
    assert html.count('id="results"') == 1
    assert html.count("<tr>") == 11  # a header row and ten rows
    assert 'hx-swap="outerHTML"' in html and 'hx-target="#results"' in html
    assert "Page 1 of 3" in html and "page=2" in html


def test_empty_states_say_why():
    _, table = _table()
    assert "Nobody yet." in render_to_string("htmx/table.html", {"table": table})
    _, table = _table("q=zzz")
    html = render_to_string("htmx/table.html", {"table": table})
    assert "Nothing matches these filters." in html and "Nobody yet." not in html
