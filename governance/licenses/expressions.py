"""The one place a license expression typed by a person is cleaned: normalised to SPDX form,
or refused with a message for the `license_expression` field."""

from __future__ import annotations

from core.public import InvalidInput
from governance import licensing


def license_expression_clean(text: str) -> str:
    """`text` in normal SPDX form ("cc-by-sa-3.0" → "CC-BY-SA-3.0"); "" stays "".

    Raises InvalidInput naming the field and the unknown ids.
    """
    try:
        return licensing.normalize_license_expression(text or "")
    except licensing.LicenseExpressionInvalid as exc:
        raise InvalidInput(exc.message, fields={"license_expression": [exc.message]}) from exc
