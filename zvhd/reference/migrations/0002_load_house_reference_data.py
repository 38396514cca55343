"""Load the house's reference data file (settings.ZVHD_REFERENCE_DATA) into the reference tables."""

from django.conf import settings
from django.db import migrations

from zvhd.reference.loading import load_reference_data, read_reference_file


def load(apps, schema_editor):
    data = read_reference_file(settings.ZVHD_REFERENCE_DATA)
    load_reference_data(get_model=lambda name: apps.get_model("reference", name), data=data)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
