"""End to end with a real worker: push → scan task → stored verdict → review; worker loss."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.db.models import Count

from monitoring.models import GuardScan, ModelOutput
from monitoring.review.models import ReviewItem
from monitoring.services.scans import guard_scan_sweep
from tests.celery_worker import running_worker, wait_for
from tests.monitoring.factories import item, published_policy

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

NO_GUARD = {"GUARD_MODEL": ""}


def _push(api, pipeline, count: int, start: int = 0, words: int = 1) -> list[int]:
    filler = " ".join(["bread"] * (words - 1))
    items = [
        item(n, conversation=[{"role": "assistant", "content": f"answer {n} {filler}".strip()}])
        for n in range(start, start + count)
    ]
    response = api(pipeline).post("/api/v1/outputs/bulk/", {"items": items}, format="json")
    assert response.status_code == 200
    return [r["id"] for r in response.json()["results"]]


def _all_scanned_once() -> bool:
    outputs = ModelOutput.objects.count()
    counts = GuardScan.objects.values("output").annotate(n=Count("id"))
    return outputs > 0 and counts.count() == outputs


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _kill_pool_child_while_it_scans(worker, log: Path) -> None:
    """SIGKILL the pool process while it runs a scan batch, until the parent reports the loss."""
    from config.celery import app

    while "WorkerLostError" not in log.read_text():
        assert not _all_scanned_once(), "every batch finished before a kill hit a running one"
        active = app.control.inspect([worker.hostname], timeout=1).active() or {}
        running = [t for t in active.get(worker.hostname, []) if t["name"].endswith("scan_batch")]
        children = _children(worker.pid)
        if running and children:
            os.kill(children[0], signal.SIGKILL)
            time.sleep(1)  # the parent notices, logs the loss and forks a new child


def test_pushed_outputs_are_scanned_by_a_worker_and_routed_without_a_guard(api, pipeline):
    published_policy()
    with running_worker(extra_env=NO_GUARD):
        ids = _push(api, pipeline, 20)
        wait_for(_all_scanned_once, timeout=60, message="not every output was scanned")
    assert GuardScan.objects.filter(verdict="error").count() == 20
    reasons = ReviewItem.objects.filter(output_id__in=ids).values_list("reasons", flat=True)
    assert {tuple(r) for r in reasons} == {("guard_unavailable",)}


def test_a_resent_output_is_not_scanned_again(api, pipeline):
    published_policy()
    with running_worker(extra_env=NO_GUARD):
        _push(api, pipeline, 3)
        wait_for(_all_scanned_once, timeout=60)
        first = dict(GuardScan.objects.values_list("output_id", "created_at"))
        _push(api, pipeline, 3)
        assert ModelOutput.objects.count() == 3
    assert dict(GuardScan.objects.values_list("output_id", "created_at")) == first


def test_a_tiny_guard_in_the_worker_scans_pushed_outputs_end_to_end(api, pipeline, unsafe_guard):
    published_policy(codes=("S1", "S2"))
    guard = {"GUARD_MODEL": str(unsafe_guard), "GUARD_DEVICE": "cpu"}
    with running_worker(extra_env=guard):
        ids = _push(api, pipeline, 5)
        wait_for(_all_scanned_once, timeout=120, message="the guard did not scan every output")
    scans = GuardScan.objects.filter(output_id__in=ids)
    assert {(s.verdict, tuple(s.categories)) for s in scans} == {("unsafe", ("S2",))}
    assert all(s.prompt.startswith("<|begin_of_text|>") for s in scans)
    reasons = ReviewItem.objects.filter(output_id__in=ids).values_list("reasons", flat=True)
    assert [list(r) for r in reasons] == [["unsafe"]] * 5


def test_killing_the_pool_child_mid_batch_loses_no_output(api, pipeline, tmp_path, unsafe_guard):
    published_policy(codes=("S1", "S2"))
    guard = {"GUARD_MODEL": str(unsafe_guard), "GUARD_DEVICE": "cpu"}
    log = tmp_path / "w1.log"
    with running_worker(pool="prefork", extra_env=guard, log_path=log) as w:
        # Long enough conversations that a batch takes a while even on the tiny model.
        _push(api, pipeline, 300, words=300)
        _kill_pool_child_while_it_scans(w, log)
        # The parent rejects the lost message back to the queue and a new child scans it.
        wait_for(_all_scanned_once, timeout=180, message="outputs were lost with the child")
    assert ModelOutput.objects.count() == 300
    assert GuardScan.objects.count() == 300
    # Every output got a real verdict from the guard, none an error from the lost batch.
    assert set(GuardScan.objects.values_list("verdict", flat=True)) == {"unsafe"}
    assert ReviewItem.objects.count() == 300


def test_killing_the_whole_worker_then_a_new_worker_and_the_sweep_scan_everything(
    api, pipeline, tmp_path
):
    published_policy()
    with running_worker(pool="prefork", extra_env=NO_GUARD, log_path=tmp_path / "w1.log") as w:
        _push(api, pipeline, 300)
        wait_for(lambda: GuardScan.objects.exists(), timeout=60, message="no scan started")
        for pid in [w.pid, *_children(w.pid)]:
            os.kill(pid, signal.SIGKILL)
        w.wait()
    scanned_before = GuardScan.objects.count()
    assert scanned_before < 300, "the worker finished before it was killed"
    with running_worker(pool="prefork", extra_env=NO_GUARD, log_path=tmp_path / "w2.log"):
        # The killed worker's unacknowledged message waits for the broker's visibility
        # timeout; the sweep re-queues whatever has no scan yet, without waiting for it.
        assert guard_scan_sweep(older_than_s=0) > 0
        wait_for(_all_scanned_once, timeout=120, message="outputs were lost with the worker")
    assert GuardScan.objects.count() == 300
    assert ReviewItem.objects.count() == 300
