"""Daily rollups maintained incrementally equal a full recount, and feed the dashboards."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from monitoring.review import selectors
from monitoring.review.models import (
    DailyAgreement,
    DailyAnnotatorRollup,
    DailyGuardQuality,
    DailyRollup,
    RollupDirty,
    SamplingRule,
)
from monitoring.review.services.claims import review_claim
from monitoring.review.services.labels import review_submit
from monitoring.review.services.rollups import rollups_rebuild, rollups_refresh
from monitoring.review.services.routing import output_sample, scans_route
from tests.factories import UserFactory
from tests.review.factories import (
    GuardScanFactory,
    ModelOutputFactory,
    output_record,
    scan_record,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(
            DailyRollup.objects.values_list(
                "project",
                "model_version",
                "day",
                "scans",
                "scans_unsafe",
                "scans_error",
                "sample_labeled",
                "sample_unsafe",
                "items_queued",
                "items_done",
                "reviews",
            )
        ),
        sorted(
            DailyGuardQuality.objects.values_list(
                "project", "category", "day", "tp", "fp", "fn", "tn"
            )
        ),
        sorted(DailyAnnotatorRollup.objects.values_list("project", "user_id", "day", "reviews")),
        sorted(DailyAgreement.objects.values_list("project", "day", "measure", "pattern", "count")),
    )


def ingest(count, *, version, received_at=None, unsafe_every=3):
    outputs = []
    for i in range(count):
        output = ModelOutputFactory(
            model_version=version, received_at=received_at or timezone.now()
        )
        verdict = "unsafe" if i % unsafe_every == 0 else "safe"
        scan = GuardScanFactory(
            output=output,
            verdict=verdict,
            categories=["S1"] if verdict == "unsafe" else [],
            p_unsafe=0.9 if verdict == "unsafe" else 0.1,
        )
        scans_route([scan_record(scan)])
        output_sample(output=output_record(output))
        outputs.append(output)
    return outputs


def label_everything(users):
    for user in users:
        while (lease := review_claim(actor=user)) is not None:
            unsafe = lease.item.output_id % 2 == 0
            review_submit(
                actor=user,
                item_id=lease.item_id,
                verdict="unsafe" if unsafe else "safe",
                categories=["S1"] if unsafe else [],
            )


def test_incremental_rollups_equal_a_full_recount():
    SamplingRule.objects.create(
        project="support-bot", random_rate=0.5, daily_cap=1000, double_review_rate=0.5
    )
    ingest(12, version="v1")
    ingest(8, version="v2", received_at=timezone.now() - timedelta(days=2))
    rollups_refresh()
    users = [UserFactory(role=Role.ANNOTATOR) for _ in range(2)]
    label_everything(users)
    ingest(5, version="v1")
    assert RollupDirty.objects.exists()
    rollups_refresh()
    assert not RollupDirty.objects.exists()
    incremental = snapshot()

    DailyRollup.objects.all().delete()
    DailyGuardQuality.objects.all().delete()
    DailyAnnotatorRollup.objects.all().delete()
    DailyAgreement.objects.all().delete()
    rollups_rebuild()
    assert snapshot() == incremental

    assert sum(c for *_, measure, _, c in incremental[3] if measure == "kappa") > 0
    today = [r for r in incremental[0] if r[2] == timezone.localdate()]
    assert sum(r[3] for r in today) == 17  # 12 + 5 scans of outputs received today
    assert sum(r[4] for r in today) == 4 + 2  # every third is unsafe


def test_dashboard_reads_the_rollups():
    SamplingRule.objects.create(project="support-bot", random_rate=1.0, daily_cap=1000)
    ingest(9, version="v1")
    label_everything([UserFactory(role=Role.ANNOTATOR) for _ in range(2)])
    rollups_refresh()
    data = selectors.dashboard(period=selectors.Period.last_days(7))
    (row,) = data["series"]
    assert (row["scans"], row["guard_unsafe"]) == (9, 3)
    assert row["guard_low"] < row["guard_rate"] < row["guard_high"]
    assert row["labeled"] == 9
    assert data["flow"].backlog == 0
    assert data["flow"].done == 9
    overall = next(r for r in data["quality"] if r["category"] == "overall")
    assert overall["tp"] + overall["fp"] + overall["fn"] + overall["tn"] == 9
