"""Formerly seeded the license catalog; `governance.reference_data.ensure()` loads it now
(after every `migrate`, from the file pinned in the repository), so this does nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
