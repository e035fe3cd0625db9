"""Case-insensitive name uniqueness: the database constraint decides, and its violation
becomes an error on the `name` field (no check-then-insert race)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from core.public import InvalidInput


def _violated_constraint(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


@contextmanager
def name_unique(constraint: str, message: str) -> Iterator[None]:
    """Run the write inside a savepoint; a violation of `constraint` raises InvalidInput for
    `name` with `message`, and the surrounding transaction stays usable."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if _violated_constraint(exc) != constraint:
            raise
        raise InvalidInput(message, fields={"name": [message]}) from exc
