"""Hooks other apps register with monitoring, called after outputs are stored and scanned.

Monitoring never imports the apps above it (the review queue): they register handlers here from
their `AppConfig.ready()` and receive plain records (see `monitoring.records`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from monitoring.records import OutputRecord, ReviewState, ScanRecord

# Called with the outputs a dispatch is about to scan (e.g. to draw the random review sample).
OutputsHook = Callable[[Sequence[OutputRecord]], None]
# Called with the scans just stored, inside their transaction; returns, for each output it
# queued for a person, why (its own words: monitoring only writes them in the output's history).
ScansHook = Callable[[Sequence[ScanRecord]], dict[int, list[str]]]

# Tells the pages and the API where outputs stand in human review, by output id.
ReviewStatesProvider = Callable[[Sequence[int]], dict[int, ReviewState]]

_outputs_hooks: list[OutputsHook] = []
_review_providers: list[ReviewStatesProvider] = []
_scan_hooks: list[ScansHook] = []


def outputs_hooks_register(handler: OutputsHook) -> None:
    if handler not in _outputs_hooks:
        _outputs_hooks.append(handler)


def scan_hooks_register(handler: ScansHook) -> None:
    if handler not in _scan_hooks:
        _scan_hooks.append(handler)


def review_states_provider_register(provider: ReviewStatesProvider) -> None:
    if provider not in _review_providers:
        _review_providers.append(provider)


def review_states(output_ids: Sequence[int]) -> dict[int, ReviewState]:
    """Where each of these outputs stands in review (absent: not queued for anyone)."""
    states: dict[int, ReviewState] = {}
    for provider in list(_review_providers):
        states.update(provider(output_ids))
    return states


def outputs_stored(outputs: Sequence[OutputRecord]) -> None:
    for handler in list(_outputs_hooks):
        handler(outputs)


def scans_recorded(scans: Sequence[ScanRecord]) -> dict[int, list[str]]:
    routed: dict[int, list[str]] = {}
    for handler in list(_scan_hooks):
        for output_id, reasons in handler(scans).items():
            routed.setdefault(output_id, []).extend(reasons)
    return routed
