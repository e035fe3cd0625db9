"""Formerly seeded the default policy. Migrations run no application code now: the default
policy is reference data, loaded by `governance.policies.reference_data.ensure()` after every
`migrate`. The migration stays (empty) so that databases that applied it keep a valid graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0002_approvers_exceptions_transitions_attestations"),
    ]

    operations: list = []
