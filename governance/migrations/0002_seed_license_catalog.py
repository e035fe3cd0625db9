"""Fill the License catalog so that it exists right after `migrate` on an empty database."""

from django.db import migrations


def seed(apps, schema_editor):
    from governance.catalog import catalog_seed

    catalog_seed(apps.get_model("governance", "License"))


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
