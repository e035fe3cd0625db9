"""Query budgets: a page or API list must run as many queries for 50 rows as for 2."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _count(fetch: Callable[[], Any]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        fetch()
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def assert_flat_queries(
    fetch: Callable[[], Any],
    grow: Callable[[int], Any],
    *,
    small: int = 2,
    large: int = 50,
) -> int:
    """`grow(n)` adds n rows; `fetch()` loads the page (and asserts it answered). The query
    count with `large` rows must not exceed the count with `small` rows. Returns the count."""
    grow(small)
    fetch()  # warm per-process caches (content types, sessions) out of the count
    few, _ = _count(fetch)
    grow(large - small)
    many, queries = _count(fetch)
    assert many <= few, (
        f"{many} queries with {large} rows but {few} with {small}: an N+1.\n" + "\n".join(queries)
    )
    return many
