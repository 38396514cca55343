"""Cases decided in the ketenkamer before `Case.decided_on` existed get the date of the meeting whose
decision gave them their kind (the latest decided item of the case)."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Case = apps.get_model("cases", "Case")
    AgendaItem = apps.get_model("triage", "AgendaItem")
    decided = (
        AgendaItem.objects.filter(case=OuterRef("pk"))
        .exclude(decision="")
        .values("case")
        .annotate(day=Max("meeting__date"))
        .values("day")
    )
    Case.objects.filter(decided_on__isnull=True).update(decided_on=Subquery(decided[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_decided_on"),
        ("triage", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
