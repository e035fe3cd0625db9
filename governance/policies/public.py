"""What other apps may use of the red-line policies: small records and functions, never
querysets of this app's models. Monitoring scans under a `PolicyVersionRef`; the planner picks
and gates on policies by id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from governance.policies.default_taxonomy import DEFAULT_POLICY_SLUG
from governance.policies.guard_prompt import (
    ASSISTANT_HEADER,
    ROLES,
    SPEAKERS,
    GuardCategory,
    GuardPromptError,
    conversation_turns,
    guard_prompt,
    guard_prompt_parts,
    guard_prompt_prefix,
    guard_prompt_suffix,
)

if TYPE_CHECKING:
    from governance.policies.models import PolicyVersion

# The models are imported inside the functions: the guard engine uses the prompt builders from
# here in processes that never set up Django (benchmarks, the engine's own import).

__all__ = [
    "ASSISTANT_HEADER",
    "DEFAULT_POLICY_SLUG",
    "ROLES",
    "SPEAKERS",
    "GuardCategory",
    "GuardPromptError",
    "PolicyVersionRef",
    "conversation_turns",
    "default_policy_id",
    "demo_policy_id",
    "guard_prompt",
    "guard_prompt_parts",
    "guard_prompt_prefix",
    "guard_prompt_suffix",
    "policies_with_published_version",
    "policy_choices",
    "policy_exists",
    "policy_has_published_version",
    "policy_id_by_name",
    "policy_version_categories",
    "policy_version_refs",
    "published_category_codes",
    "published_versions_by_slug",
]


@dataclass(frozen=True)
class PolicyVersionRef:
    """A policy version as other apps see it: enough to scan under it and to name it."""

    id: int
    policy_id: int
    policy_slug: str
    policy_name: str
    number: int
    status: str

    @property
    def label(self) -> str:
        return f"{self.policy_slug}@{self.number}"

    def __str__(self) -> str:
        return f"{self.policy_name} v{self.number}"


def _ref(version: PolicyVersion) -> PolicyVersionRef:
    return PolicyVersionRef(
        id=version.pk,
        policy_id=version.policy_id,
        policy_slug=version.policy.slug,
        policy_name=version.policy.name,
        number=version.number,
        status=version.status,
    )


def published_versions_by_slug(slugs: Iterable[str]) -> dict[str, PolicyVersionRef]:
    """The published version of each policy among `slugs` that has one."""
    from governance.policies.models import PolicyVersion

    versions = PolicyVersion.objects.filter(
        status=PolicyVersion.Status.PUBLISHED, policy__slug__in=set(slugs)
    ).select_related("policy")
    return {version.policy.slug: _ref(version) for version in versions}


def policy_version_refs(version_ids: Iterable[int]) -> dict[int, PolicyVersionRef]:
    from governance.policies.models import PolicyVersion

    versions = PolicyVersion.objects.filter(pk__in=set(version_ids)).select_related("policy")
    return {version.pk: _ref(version) for version in versions}


def policy_version_categories(version_id: int) -> list[GuardCategory]:
    """The enabled categories of a version, in the order the guard reads them."""
    from governance.policies.models import PolicyCategory

    return [
        GuardCategory(code=c.code, name=c.name, description=c.description)
        for c in PolicyCategory.objects.filter(version_id=version_id, enabled=True).order_by(
            "position"
        )
    ]


def published_category_codes() -> list[str]:
    """Every category code used by a published policy version, sorted."""
    from governance.policies.models import PolicyCategory, PolicyVersion

    codes = PolicyCategory.objects.filter(version__status=PolicyVersion.Status.PUBLISHED)
    return sorted(set(codes.values_list("code", flat=True)))


def policy_choices() -> list[tuple[int, str]]:
    """(id, name) of every policy, by name: what a picker offers."""
    from governance.policies.models import Policy

    return list(Policy.objects.order_by("name").values_list("pk", "name"))


def policy_exists(policy_id: int) -> bool:
    from governance.policies.models import Policy

    return Policy.objects.filter(pk=policy_id).exists()


def policy_id_by_name(name: str) -> int | None:
    from governance.policies.models import Policy

    return Policy.objects.filter(name=name).values_list("pk", flat=True).first()


def policy_has_published_version(policy_id: int) -> bool:
    from governance.policies.models import PolicyVersion

    return PolicyVersion.objects.filter(
        policy_id=policy_id, status=PolicyVersion.Status.PUBLISHED
    ).exists()


def policies_with_published_version(policy_ids: Iterable[int]) -> set[int]:
    """Which of these policies have a version in force: one query for any number."""
    from governance.policies.models import PolicyVersion

    return set(
        PolicyVersion.objects.filter(
            policy_id__in=set(policy_ids), status=PolicyVersion.Status.PUBLISHED
        ).values_list("policy_id", flat=True)
    )


def default_policy_id() -> int:
    """The `default` policy's id (loaded if missing): what monitoring falls back to."""
    from governance.policies.reference_data import default_policy_ensure

    return default_policy_ensure().pk


def demo_policy_id() -> int | None:
    """The demo data's policy (after `setup_demo`), for other apps' demo data."""
    from governance.policies.demo import DEMO_POLICY

    return policy_id_by_name(DEMO_POLICY)
