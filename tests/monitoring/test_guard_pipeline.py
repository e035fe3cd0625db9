"""The scan pipeline with a real (tiny, local) guard model: verdicts, prompts, failures."""

import pytest

from monitoring.breaker import guard_breaker_status
from monitoring.guard.runtime import reset_engine
from monitoring.models import GuardScan
from monitoring.review.models import ReviewItem
from monitoring.services.scans import guard_scan_batch, guard_scan_sweep
from tests.monitoring.factories import ModelOutputFactory, published_policy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_engine():
    reset_engine()
    yield
    reset_engine()


def test_an_unsafe_verdict_is_stored_with_its_prompt_and_routed(settings, unsafe_guard):
    settings.GUARD_MODEL = str(unsafe_guard)
    settings.GUARD_DEVICE = "cpu"
    version = published_policy(codes=("S1", "S2"))
    outputs = ModelOutputFactory.create_batch(2)
    guard_scan_batch(output_ids=[o.id for o in outputs])
    for output in outputs:
        scan = GuardScan.objects.get(output=output)
        assert (scan.verdict, scan.categories, scan.policy_version) == ("unsafe", ["S2"], version)
        assert scan.p_unsafe is not None and scan.p_unsafe > 0.5
        assert scan.guard_model and scan.error == ""
        assert "S2: Category S2." in scan.prompt
        assert "Open Settings, then Security" in scan.prompt
        assert ReviewItem.objects.get(output=output).reasons == ["unsafe"]
    assert guard_breaker_status().failures == 0


def test_a_safe_verdict_goes_nowhere(settings, safe_guard):
    settings.GUARD_MODEL = str(safe_guard)
    settings.GUARD_DEVICE = "cpu"
    published_policy()
    output = ModelOutputFactory()
    guard_scan_batch(output_ids=[output.id])
    scan = GuardScan.objects.get(output=output)
    assert scan.verdict == "safe" and scan.p_unsafe < 0.5
    assert not ReviewItem.objects.exists()


def test_a_code_outside_the_policy_is_an_error_routed_to_review(settings, unsafe_guard):
    settings.GUARD_MODEL = str(unsafe_guard)
    settings.GUARD_DEVICE = "cpu"
    published_policy(codes=("S1",))  # the model answers S2, which this policy lacks
    output = ModelOutputFactory()
    guard_scan_batch(output_ids=[output.id])
    assert GuardScan.objects.get(output=output).verdict == "error"
    assert ReviewItem.objects.get(output=output).reasons == ["error"]


def test_a_directory_that_is_not_a_model_fails_closed_and_counts_for_the_breaker(
    settings, tmp_path
):
    (tmp_path / "README.txt").write_text("not a model")
    settings.GUARD_MODEL = str(tmp_path)
    settings.GUARD_DEVICE = "cpu"
    settings.GUARD_BREAKER_THRESHOLD = 2
    published_policy()
    first, second, third = ModelOutputFactory.create_batch(3)
    guard_scan_batch(output_ids=[first.id])
    scan = GuardScan.objects.get(output=first)
    assert scan.verdict == "error" and "GuardUnavailable" in scan.error
    assert ReviewItem.objects.get(output=first).reasons == ["error", "guard_unavailable"]
    assert guard_breaker_status().failures == 1
    guard_scan_batch(output_ids=[second.id])
    assert guard_breaker_status().phase == "open"
    guard_scan_batch(output_ids=[third.id])
    assert "circuit breaker open" in GuardScan.objects.get(output=third).error
    assert guard_breaker_status().failures == 2  # the open breaker made no third call


def test_after_an_outage_the_sweep_rescans_what_the_guard_never_saw(settings, safe_guard):
    settings.GUARD_MODEL = ""
    published_policy()
    output = ModelOutputFactory()
    guard_scan_batch(output_ids=[output.id])
    assert GuardScan.objects.get(output=output).verdict == "error"
    assert guard_scan_sweep(older_than_s=0) == 0  # still no guard: nothing to retry
    settings.GUARD_MODEL = str(safe_guard)
    settings.GUARD_DEVICE = "cpu"
    assert guard_scan_sweep(older_than_s=0) == 1
    guard_scan_batch(output_ids=[output.id])
    scan = GuardScan.objects.get(output=output)
    assert scan.verdict == "safe" and scan.guard_model
    # It was queued for a person during the outage and stays queued.
    assert ReviewItem.objects.get(output=output).reasons == ["guard_unavailable"]
    assert guard_scan_sweep(older_than_s=0) == 0


def test_a_conversation_longer_than_the_context_is_truncated_and_routed(settings, safe_guard):
    settings.GUARD_MODEL = str(safe_guard)  # its context is 1,024 tokens
    settings.GUARD_DEVICE = "cpu"
    published_policy()
    long_answer = " ".join(["bread"] * 3000)
    output = ModelOutputFactory(
        conversation=[
            {"role": "user", "content": "how do i bake bread"},
            {"role": "assistant", "content": long_answer},
        ]
    )
    guard_scan_batch(output_ids=[output.id])
    scan = GuardScan.objects.get(output=output)
    assert scan.truncated
    assert ReviewItem.objects.get(output=output).reasons == ["truncated"]
