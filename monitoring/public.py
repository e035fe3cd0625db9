"""What other apps may use of monitoring: plain records of outputs and scans, a few reads, and
the hooks an app above monitoring (the review queue) registers to hear about stored scans."""

from __future__ import annotations

from monitoring.breaker import OPEN, guard_breaker_status
from monitoring.hooks import (
    OutputsHook,
    ReviewStatesProvider,
    ScansHook,
    outputs_hooks_register,
    review_states_provider_register,
    scan_hooks_register,
)
from monitoring.records import OutputRecord, ReviewState, ScanFailure, ScanRecord
from monitoring.selectors import (
    guard_day_counts,
    output_days,
    output_latest_scans,
    output_record,
    output_records,
    scan_verdict_rate,
)

__all__ = [
    "OutputRecord",
    "OutputsHook",
    "ReviewState",
    "ReviewStatesProvider",
    "ScanFailure",
    "ScanRecord",
    "ScansHook",
    "guard_breaker_open",
    "guard_day_counts",
    "output_days",
    "output_latest_scan",
    "output_latest_scans",
    "output_record",
    "output_records",
    "outputs_hooks_register",
    "review_states_provider_register",
    "scan_hooks_register",
    "scan_verdict_rate",
]


def output_latest_scan(output_id: int) -> ScanRecord | None:
    """The output's newest scan (the one the pages show), if it has one."""
    return output_latest_scans([output_id]).get(output_id)


def guard_breaker_open() -> bool:
    return guard_breaker_status().phase == OPEN
