"""Plain records of outputs and scans: what monitoring hands to other apps, never its models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final


class ScanFailure:
    """Why a scan has no verdict (an `error` scan); "" when the guard gave one."""

    NONE: Final = ""
    NO_POLICY: Final = "no_policy"
    NOT_CONFIGURED: Final = "not_configured"
    CIRCUIT_OPEN: Final = "circuit_open"
    GUARD_FAILED: Final = "guard_failed"
    NO_RESULT: Final = "no_result"
    UNPARSEABLE: Final = "unparseable"
    ROUTING_FAILED: Final = "routing_failed"

    # The guard never looked at the output: it was not there to ask.
    GUARD_UNAVAILABLE: Final = frozenset({NOT_CONFIGURED, CIRCUIT_OPEN, GUARD_FAILED})


@dataclass(frozen=True)
class OutputRecord:
    id: int
    project: str
    model: str
    model_version: str
    received_at: datetime


@dataclass(frozen=True)
class ScanRecord:
    """One stored scan: the guard's verdict on one output under one policy version."""

    id: int
    output: OutputRecord
    verdict: str  # safe / unsafe / error
    categories: tuple[str, ...] = ()
    p_unsafe: float | None = None
    truncated: bool = False
    failure: str = ScanFailure.NONE
    reused: bool = False
    policy_version_id: int | None = None
    error: str = ""


@dataclass(frozen=True)
class ReviewState:
    """Where an output stands with people, as the app that reviews outputs describes it."""

    status: str  # shown as it is, e.g. "Open"
    reasons: tuple[str, ...]
