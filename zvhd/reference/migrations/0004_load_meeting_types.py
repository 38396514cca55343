"""Load the meeting types of the house file and mark the criteria that suffice on their own.

Loading is additive, so this only adds what 0002 could not know of yet; existing rows are left as the
admin edited them, except the new flag, which is taken from the file.
"""

from django.conf import settings
from django.db import migrations

from zvhd.reference.loading import load_reference_data, read_reference_file


def load(apps, schema_editor):
    data = read_reference_file(settings.ZVHD_REFERENCE_DATA)
    load_reference_data(get_model=lambda name: apps.get_model("reference", name), data=data)
    alone = [row["code"] for row in data.get("acceptance_criteria", []) if row.get("sufficient_alone")]
    apps.get_model("reference", "AcceptanceCriterion").objects.filter(code__in=alone).update(
        sufficient_alone=True
    )


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_meeting_types")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
