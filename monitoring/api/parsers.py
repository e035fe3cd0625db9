"""A JSON parser for pushed outputs that allows bodies up to the 5 MB bulk limit.

DRF's own JSONParser goes through `request.body`, which Django caps at
DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB); this one reads the stream itself, up to MAX_BODY_BYTES.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from monitoring.ingest import MAX_BODY_BYTES

# Every digit becomes NUL, then one substring search finds a run of 20: about ten times
# faster than a regex over a multi-megabyte body (a raw NUL is invalid JSON anyway).
_DIGITS_TO_NUL = bytes.maketrans(b"0123456789", b"\x00" * 10)
_TWENTY_DIGITS = b"\x00" * 20


def _has_long_digit_run(raw: bytes) -> bool:
    return _TWENTY_DIGITS in raw.translate(_DIGITS_TO_NUL)


class BodyTooLarge(ParseError):
    status_code = 413
    default_code = "too_large"


class OutputsJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge(f"The body is over {MAX_BODY_BYTES} bytes (5 MB).")
        # orjson reads an integer beyond 64 bits as a float, silently dropping digits; the
        # standard parser keeps it exact, so that ingest refuses it with a clear message.
        if not _has_long_digit_run(raw):
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError:
                pass
        # orjson refuses a whole body for one lone surrogate (\ud800) in one string; the
        # standard parser takes it, so that only the item holding it is refused.
        try:
            return json.loads(raw, parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error: {exc}") from None
        except RecursionError:
            raise ParseError("JSON parse error: nested too deeply.") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
