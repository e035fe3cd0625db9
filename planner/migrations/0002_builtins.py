"""Install the source material's roadmap template, checklists and GPU price presets."""

from django.db import migrations


def install(apps, schema_editor):
    from planner.seed import install_builtins

    install_builtins(apps)


class Migration(migrations.Migration):
    dependencies = [("planner", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
