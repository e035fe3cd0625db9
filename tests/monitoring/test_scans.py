"""Scanning outputs: policy choice, fail-closed routing, idempotency, reuse, the breaker."""

import pytest

from governance.policies.models import Policy
from monitoring.breaker import guard_breaker_failure
from monitoring.models import GuardScan
from monitoring.review.models import ReviewItem
from monitoring.selectors import scan_policy_version_for_project
from monitoring.services.scans import guard_scan_batch
from tests.monitoring.factories import ModelOutputFactory, published_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_guard(settings):
    settings.GUARD_MODEL = ""


def test_policy_is_the_projects_own_else_default():
    default = published_policy("default")
    own = published_policy("support-bot")
    assert scan_policy_version_for_project("support-bot").id == own.pk
    assert scan_policy_version_for_project("search").id == default.pk


def test_without_any_published_policy_the_scan_is_an_error_routed_to_review(no_guard):
    Policy.objects.filter(slug="default").delete()  # migrations seed it; remove it here
    output = ModelOutputFactory()
    guard_scan_batch(output_ids=[output.id])
    scan = GuardScan.objects.get(output=output)
    assert (scan.verdict, scan.error, scan.policy_version) == ("error", "no published policy", None)
    assert ReviewItem.objects.get(output=output).reasons == ["error"]


def test_without_guard_model_every_output_goes_to_review_as_guard_unavailable(no_guard):
    version = published_policy()
    outputs = ModelOutputFactory.create_batch(3)
    summary = guard_scan_batch(output_ids=[o.id for o in outputs])
    assert summary.routed == 3
    for output in outputs:
        scan = GuardScan.objects.get(output=output)
        assert scan.verdict == "error" and scan.policy_version == version
        assert "Guard not configured" in scan.error
        assert ReviewItem.objects.get(output=output).reasons == ["guard_unavailable"]


def test_running_a_batch_twice_keeps_one_scan_and_one_review_item(no_guard):
    published_policy()
    outputs = ModelOutputFactory.create_batch(2)
    ids = [o.id for o in outputs]
    guard_scan_batch(output_ids=ids)
    guard_scan_batch(output_ids=[*ids, 999_999])
    assert GuardScan.objects.count() == 2
    assert ReviewItem.objects.count() == 2


def test_an_output_with_a_verdict_is_not_scanned_again(no_guard):
    version = published_policy()
    output = ModelOutputFactory()
    GuardScan.objects.create(output=output, policy_version=version, verdict="safe")
    summary = guard_scan_batch(output_ids=[output.id])
    assert summary.skipped == 1
    assert GuardScan.objects.get(output=output).verdict == "safe"
    assert not ReviewItem.objects.exists()


def test_an_identical_conversation_reuses_the_earlier_verdict(no_guard):
    version = published_policy()
    first = ModelOutputFactory()
    earlier = GuardScan.objects.create(
        output=first,
        policy_version=version,
        verdict="unsafe",
        categories=["S2"],
        p_unsafe=0.9,
        guard_model="meta-llama/Llama-Guard-3-1B",
        prompt="<|begin_of_text|>...",
    )
    same = ModelOutputFactory()
    different = ModelOutputFactory(conversation=[{"role": "user", "content": "other"}])
    summary = guard_scan_batch(output_ids=[same.id, different.id])
    assert summary.reused == 1
    reused = GuardScan.objects.get(output=same)
    assert (reused.verdict, reused.categories, reused.reused_from) == ("unsafe", ["S2"], earlier)
    assert reused.prompt == earlier.prompt
    assert ReviewItem.objects.get(output=same).reasons == ["unsafe"]
    # The other conversation still needs the guard, which is not configured.
    assert GuardScan.objects.get(output=different).verdict == "error"


def test_an_open_breaker_stops_calls_and_routes_as_guard_unavailable(settings):
    settings.GUARD_MODEL = "/nonexistent/model"
    settings.GUARD_BREAKER_THRESHOLD = 1
    published_policy()
    guard_breaker_failure("earlier failure")
    output = ModelOutputFactory()
    guard_scan_batch(output_ids=[output.id])
    scan = GuardScan.objects.get(output=output)
    assert scan.verdict == "error" and "circuit breaker open" in scan.error
    assert ReviewItem.objects.get(output=output).reasons == ["guard_unavailable"]


@pytest.fixture
def routing_fails_for_verdicts():
    """A hook that fails for every scan with a verdict, as a routing bug would."""
    from monitoring import hooks

    def failing(scans):
        if any(scan.verdict != "error" for scan in scans):
            raise RuntimeError("routing is broken")
        return {}

    hooks.scan_hooks_register(failing)
    yield
    hooks._scan_hooks.remove(failing)


def test_a_verdict_whose_routing_fails_is_stored_as_an_error_and_reviewed(
    no_guard, routing_fails_for_verdicts
):
    version = published_policy()
    GuardScan.objects.create(
        output=ModelOutputFactory(), policy_version=version, verdict="safe", p_unsafe=0.01
    )
    same = ModelOutputFactory()  # reuses the safe verdict, which nothing would route
    summary = guard_scan_batch(output_ids=[same.id])
    scan = GuardScan.objects.get(output=same)
    assert scan.verdict == "error" and "review routing failed: RuntimeError" in scan.error
    assert ReviewItem.objects.get(output=same).reasons == ["error"]
    assert summary.routed == 1


def test_a_scan_whose_fallback_routing_also_fails_is_not_stored(no_guard):
    from monitoring import hooks

    def failing(scans):
        raise RuntimeError("routing is broken")

    published_policy()
    output = ModelOutputFactory()
    hooks.scan_hooks_register(failing)
    try:
        with pytest.raises(RuntimeError):
            guard_scan_batch(output_ids=[output.id])
    finally:
        hooks._scan_hooks.remove(failing)
    # No scan: the sweep queues the output again, so it still ends scanned or in review.
    assert not GuardScan.objects.filter(output=output).exists()
