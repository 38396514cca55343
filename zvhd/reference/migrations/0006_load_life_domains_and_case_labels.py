"""Load the life domains and case labels of the house file (loading is additive)."""

from django.conf import settings
from django.db import migrations

from zvhd.reference.loading import load_reference_data, read_reference_file


def load(apps, schema_editor):
    data = read_reference_file(settings.ZVHD_REFERENCE_DATA)
    load_reference_data(get_model=lambda name: apps.get_model("reference", name), data=data)


class Migration(migrations.Migration):
    dependencies = [("reference", "0005_life_domains_and_case_labels")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
