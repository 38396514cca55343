"""`manage.py demo_data`: fill an empty database with the house's deterministic demo data set."""

from __future__ import annotations

import argparse
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.models import Case
from demo.generator import DEFAULT_SEED, DemoDataResult, ProfileError, demo_data_create, profile_load


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo accounts and referrals/cases from the profile's first year up to "
        "today, reproducing the published figures. Same seed and same --today give the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already holds cases.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--today",
            type=_iso_date,
            default=None,
            help="The date the data set is as of, YYYY-MM-DD (default: today in the local time zone).",
        )
        parser.add_argument(
            "--profile",
            default=None,
            help="A profile name in demo/profiles or a path to a profile file "
            "(default: the profile named like the reference data file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Case.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already holds cases; demo data not loaded.")
                return
            raise CommandError(
                "The database already holds cases. Demo data is only loaded into an empty case file; "
                "use --if-empty to skip quietly."
            )
        today = options["today"] or timezone.localdate()
        started = time.monotonic()
        try:
            result = demo_data_create(
                seed=options["seed"], today=today, profile=profile_load(options["profile"])
            )
        except ProfileError as error:
            raise CommandError(str(error)) from error
        self._report(result, time.monotonic() - started)

    def _report(self, result: DemoDataResult, seconds: float) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data for {result.house} as of {result.today:%Y-%m-%d} (seed {result.seed}) "
                f"loaded in {seconds:.1f} s."
            )
        )
        self.stdout.write(
            "Created: " + ", ".join(f"{count} {what}" for what, count in result.created.items())
        )
        self.stdout.write(
            "Cases by status: " + ", ".join(f"{n} {status}" for status, n in result.statuses.items())
        )
        self.stdout.write(f'Demo accounts, all with the password "{result.password}":')
        width = max(len(username) for username, _ in result.accounts)
        for username, role in result.accounts:
            self.stdout.write(f"  {username:<{width}}  {role}")
