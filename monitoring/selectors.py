"""Reads for monitoring: outputs with their scans, the policy a scan uses, the guard's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from governance.policies.models import PolicyCategory, PolicyVersion
from monitoring.breaker import BreakerStatus, guard_breaker_status
from monitoring.models import GuardScan, ModelOutput

DEFAULT_POLICY_SLUG = "default"
# Shown in the UI next to every verdict, so that the rule below is never a surprise.
POLICY_RULE = (
    "Outputs are scanned against the published version of the policy whose slug equals the "
    f"output's project key, or else of the policy with slug “{DEFAULT_POLICY_SLUG}”."
)


def scan_policy_versions_for_projects(projects: set[str]) -> dict[str, PolicyVersion | None]:
    """The published policy version each project's outputs are scanned against (see POLICY_RULE).

    The one place that decides it, so that linking projects to policies later changes only this.
    """
    published = {
        version.policy.slug: version
        for version in PolicyVersion.objects.filter(
            status=PolicyVersion.Status.PUBLISHED,
            policy__slug__in=set(projects) | {DEFAULT_POLICY_SLUG},
        ).select_related("policy")
    }
    fallback = published.get(DEFAULT_POLICY_SLUG)
    return {project: published.get(project, fallback) for project in projects}


def scan_policy_version_for_project(project: str) -> PolicyVersion | None:
    return scan_policy_versions_for_projects({project})[project]


def policy_version_categories(version: PolicyVersion) -> list[PolicyCategory]:
    """The enabled categories of a version, in the order the guard reads them."""
    return list(version.categories.filter(enabled=True).order_by("position"))


def _with_scans(queryset: QuerySet[ModelOutput]) -> QuerySet[ModelOutput]:
    scans = GuardScan.objects.select_related("policy_version__policy").order_by(
        "-created_at", "-id"
    )
    return queryset.prefetch_related(Prefetch("scans", queryset=scans))


def output_list(*, filters: dict | None = None) -> QuerySet[ModelOutput]:
    """Outputs, newest first, with their scans and review item; `filters` as in OutputFilterSet."""
    from monitoring.filtersets import OutputFilterSet

    queryset = _with_scans(ModelOutput.objects.select_related("review_item"))
    return OutputFilterSet(filters or {}, queryset=queryset).qs


def output_get(*, output_id: int) -> ModelOutput | None:
    return (
        _with_scans(ModelOutput.objects.select_related("review_item")).filter(pk=output_id).first()
    )


def output_latest_scan(output: ModelOutput) -> GuardScan | None:
    """The newest scan (uses the prefetched scans when there are some)."""
    scans = list(output.scans.all())
    return scans[0] if scans else None


def output_filter_choices() -> dict[str, list[str]]:
    """Values offered by the filter drop-downs."""
    projects = ModelOutput.objects.order_by("project").values_list("project", flat=True)
    models = ModelOutput.objects.order_by("model").values_list("model", flat=True)
    # Codes come from the published policies (a small table), not from every stored scan.
    codes = PolicyCategory.objects.filter(version__status=PolicyVersion.Status.PUBLISHED)
    return {
        "projects": list(projects.distinct()[:200]),
        "models": list(models.distinct()[:200]),
        "categories": sorted(set(codes.values_list("code", flat=True))),
    }


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
