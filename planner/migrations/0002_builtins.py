"""Formerly installed the built-in templates and presets; `planner.reference_data` does that
now (after every migrate), so this migration runs no application code and does nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("planner", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
