"""Rank the werkvoorraad now, as the weekly job does; a second run in the same week changes nothing."""

from django.core.management.base import BaseCommand

from triage.waiting_list import waiting_list_prioritise


class Command(BaseCommand):
    help = "Rank the waiting list for this ISO week (idempotent: once per week)."

    def handle(self, *args: object, **options: object) -> None:
        snapshot, created = waiting_list_prioritise()
        if created:
            self.stdout.write(f"Week {snapshot.week}: {snapshot.entries} waiting cases ranked.")
        else:
            self.stdout.write(
                f"Week {snapshot.week} was already ranked ({snapshot.entries} cases); nothing changed."
            )
