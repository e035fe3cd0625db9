"""Reads for monitoring: outputs with their scans, the policy a scan uses, the guard's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from governance.policies.public import (
    DEFAULT_POLICY_SLUG,
    PolicyVersionRef,
    policy_version_refs,
    published_category_codes,
    published_versions_by_slug,
)
from monitoring.breaker import BreakerStatus, guard_breaker_status
from monitoring.models import GuardScan, ModelOutput
from monitoring.records import OutputRecord, ScanRecord

# Shown in the UI next to every verdict, so that the rule below is never a surprise.
POLICY_RULE = (
    "Outputs are scanned against the published version of the policy whose slug equals the "
    f"output's project key, or else of the policy with slug “{DEFAULT_POLICY_SLUG}”."
)


def scan_policy_versions_for_projects(projects: set[str]) -> dict[str, PolicyVersionRef | None]:
    """The published policy version each project's outputs are scanned against (see POLICY_RULE).

    The one place that decides it, so that linking projects to policies later changes only this.
    """
    published = published_versions_by_slug(set(projects) | {DEFAULT_POLICY_SLUG})
    fallback = published.get(DEFAULT_POLICY_SLUG)
    return {project: published.get(project, fallback) for project in projects}


def scan_policy_version_for_project(project: str) -> PolicyVersionRef | None:
    return scan_policy_versions_for_projects({project})[project]


def scan_policy_versions(scans: list[GuardScan]) -> dict[int, PolicyVersionRef]:
    """The policy version of each of these scans, by version id (one query for them all)."""
    return policy_version_refs({s.policy_version_id for s in scans if s.policy_version_id})


def _with_scans(queryset: QuerySet[ModelOutput]) -> QuerySet[ModelOutput]:
    scans = GuardScan.objects.order_by("-created_at", "-id")
    return queryset.prefetch_related(Prefetch("scans", queryset=scans))


def output_list(*, filters: Any = None) -> QuerySet[ModelOutput]:
    """Outputs, newest first, with their scans; `filters` as in OutputFilterSet."""
    from monitoring.filtersets import OutputFilterSet

    queryset = _with_scans(ModelOutput.objects.all())
    return OutputFilterSet(filters or {}, queryset=queryset).qs


def output_get(*, output_id: int) -> ModelOutput | None:
    return _with_scans(ModelOutput.objects.all()).filter(pk=output_id).first()


def output_latest_scan(output: ModelOutput) -> GuardScan | None:
    """The newest scan (uses the prefetched scans when there are some)."""
    scans = list(output.scans.all())
    return scans[0] if scans else None


def output_projects() -> list[str]:
    """Projects offered by the filter drop-down (the first 200)."""
    projects = ModelOutput.objects.order_by("project").values_list("project", flat=True)
    return list(projects.distinct()[:200])


def output_models() -> list[str]:
    """Models offered by the filter drop-down (the first 200)."""
    models = ModelOutput.objects.order_by("model").values_list("model", flat=True)
    return list(models.distinct()[:200])


def output_category_codes() -> list[str]:
    """Category codes offered by the filter drop-down: those of the published policies (a
    small table), not of every stored scan."""
    return published_category_codes()


def outputs_unscanned(*, older_than: timedelta) -> QuerySet[ModelOutput]:
    """Outputs with no scan at all, received before `now - older_than` (lost on the way)."""
    return ModelOutput.objects.filter(
        ~Exists(GuardScan.objects.filter(output=OuterRef("pk"))),
        received_at__lt=timezone.now() - older_than,
    ).order_by("id")


def outputs_guard_never_ran(*, older_than: timedelta) -> QuerySet[ModelOutput]:
    """Outputs whose scan is an error because the guard never ran (not configured, breaker
    open, load failure) under a published policy, stored before `now - older_than`."""
    failed = GuardScan.objects.filter(
        output=OuterRef("pk"),
        verdict=GuardScan.Verdict.ERROR,
        guard_model="",
        policy_version__isnull=False,
        created_at__lt=timezone.now() - older_than,
    )
    return ModelOutput.objects.filter(Exists(failed)).order_by("id")


@dataclass(frozen=True)
class GuardStatus:
    configured: bool
    model: str
    breaker: BreakerStatus

    @property
    def accepting(self) -> bool:
        return self.configured and self.breaker.phase != "open"


def guard_status() -> GuardStatus:
    # Stripped as the worker's runtime does: a blank GUARD_MODEL=" " loads no model.
    model = (settings.GUARD_MODEL or "").strip()
    return GuardStatus(configured=bool(model), model=model, breaker=guard_breaker_status())


def monitoring_summary(*, since: timedelta = timedelta(hours=24)) -> dict[str, int]:
    """Counts for the dashboard over the last `since`."""
    start = timezone.now() - since
    outputs = ModelOutput.objects.filter(received_at__gte=start).count()
    scans = GuardScan.objects.filter(created_at__gte=start).aggregate(
        unsafe=Count("id", filter=Q(verdict=GuardScan.Verdict.UNSAFE)),
        errors=Count("id", filter=Q(verdict=GuardScan.Verdict.ERROR)),
    )
    pending = ModelOutput.objects.filter(received_at__gte=start, scans__isnull=True).count()
    return {
        "outputs": outputs,
        "unsafe": scans["unsafe"],
        "errors": scans["errors"],
        "pending": pending,
    }


# --- records for other apps (see monitoring.public) ----------------------------------------


def output_record_of(output: ModelOutput) -> OutputRecord:
    return OutputRecord(
        id=output.pk,
        project=output.project,
        model=output.model,
        model_version=output.model_version,
        received_at=output.received_at,
    )


def scan_record(scan: GuardScan, output: OutputRecord, *, failure: str = "") -> ScanRecord:
    return ScanRecord(
        id=scan.pk,
        output=output,
        verdict=scan.verdict,
        categories=tuple(scan.categories),
        p_unsafe=scan.p_unsafe,
        truncated=scan.truncated,
        failure=failure,
        reused=scan.reused_from_id is not None,
        policy_version_id=scan.policy_version_id,
        error=scan.error,
    )


_OUTPUT_FIELDS = ("id", "project", "model", "model_version", "received_at")


def output_records(output_ids: list[int] | set[int]) -> dict[int, OutputRecord]:
    outputs = ModelOutput.objects.filter(pk__in=list(output_ids)).only(*_OUTPUT_FIELDS)
    return {output.pk: output_record_of(output) for output in outputs}


def output_record(output_id: int) -> OutputRecord | None:
    return output_records([output_id]).get(output_id)


def output_latest_scans(output_ids: list[int] | set[int]) -> dict[int, ScanRecord]:
    """The newest scan of each of these outputs (the one the pages show), by output id."""
    scans = (
        GuardScan.objects.filter(output_id__in=list(output_ids))
        .select_related("output")
        .order_by("output_id", "-created_at", "-id")
        .distinct("output_id")
    )
    return {scan.output_id: scan_record(scan, output_record_of(scan.output)) for scan in scans}


_GUARD_DAY_SQL = """
    SELECT o.model_version,
           count(*) AS scans,
           count(*) FILTER (WHERE s.verdict = 'unsafe') AS unsafe,
           count(*) FILTER (WHERE s.verdict = 'error') AS errors
    FROM monitoring_modeloutput o
    JOIN LATERAL (
        SELECT verdict FROM monitoring_guardscan g
        WHERE g.output_id = o.id ORDER BY g.created_at DESC, g.id DESC LIMIT 1
    ) s ON true
    WHERE o.project = %s AND o.received_at >= %s AND o.received_at < %s
    GROUP BY o.model_version
"""


def guard_day_counts(
    *, project: str, start: datetime, end: datetime
) -> dict[str, tuple[int, int, int]]:
    """(scanned, unsafe, error) outputs of `project` received in [start, end), per model version,
    each counted by its newest scan."""
    with connection.cursor() as cursor:
        cursor.execute(_GUARD_DAY_SQL, [project, start, end])
        return {
            version or "": (scans, unsafe, errors)
            for version, scans, unsafe, errors in cursor.fetchall()
        }


def output_days() -> set[tuple[str, date]]:
    """Every (project, day received) that has outputs."""
    return set(
        ModelOutput.objects.annotate(d=TruncDate("received_at"))
        .values_list("project", "d")
        .distinct()
    )


def scan_verdict_rate(
    *, verdict: str, since: datetime, until: datetime, project: str = ""
) -> float:
    """Share of the scans stored in [since, until] (of `project`'s outputs, if given) with
    `verdict`; 0 when there were none."""
    scans = GuardScan.objects.filter(created_at__gte=since, created_at__lte=until)
    if project:
        scans = scans.filter(output__project=project)
    counts = scans.aggregate(total=Count("id"), hits=Count("id", filter=Q(verdict=verdict)))
    return counts["hits"] / counts["total"] if counts["total"] else 0.0
