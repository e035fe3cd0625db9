"""Seed the published default policy (slug `default`) that monitoring falls back to."""

import datetime

from django.db import migrations
from django.utils import timezone

from governance.policies.default_taxonomy import (
    DEFAULT_POLICY_NAME,
    DEFAULT_POLICY_SLUG,
    default_categories,
)


def create_default_policy(apps, schema_editor):
    Policy = apps.get_model("policies", "Policy")
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    PolicyCategory = apps.get_model("policies", "PolicyCategory")
    PolicyTransition = apps.get_model("policies", "PolicyTransition")
    if Policy.objects.filter(slug=DEFAULT_POLICY_SLUG).exists():
        return
    now = timezone.now()
    policy = Policy.objects.create(
        name=DEFAULT_POLICY_NAME,
        slug=DEFAULT_POLICY_SLUG,
        description="Llama Guard 3's standard hazard taxonomy. Used for every output whose "
        "project has no policy of its own.",
        review_cadence_days=180,
        next_review_on=now.date() + datetime.timedelta(days=180),
    )
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        status="published",
        summary="Llama Guard 3 standard categories; S14 off.",
        published_at=now,
    )
    PolicyCategory.objects.bulk_create(
        PolicyCategory(version=version, position=index, **category)
        for index, category in enumerate(default_categories(), start=1)
    )
    PolicyTransition.objects.create(
        version=version, from_status="", to_status="published", note="Seeded default policy"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0002_approvers_exceptions_transitions_attestations"),
    ]

    operations = [
        migrations.RunPython(create_default_policy, migrations.RunPython.noop),
    ]
