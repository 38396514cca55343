"""`manage.py aftercare_figures`: the aftercare figures of a year per municipality, as the annual report
counts them (`aftercare.figures`), beside the figures the demo profile publishes for that year.

A check of the demo data set (docs/demo-data.md): after `manage.py demo_data` the 2023 rows equal the
published ones, whatever the seed or the day.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftercare.figures import AftercareFigures, aftercare_figures
from demo.generator import ProfileError, profile_load

COLUMNS = (("municipality", 16), ("inflow", 7), ("active", 7), ("no aftercare wanted", 19))
PUBLISHED_COLUMNS = (("municipality", 16), ("inflow", 7), ("published", 9), ("active", 7), ("published", 9))


class Command(BaseCommand):
    help = (
        "Print the aftercare figures of a year per municipality (inflow, active, no aftercare wanted); with "
        "--published beside the figures the demo profile publishes for that year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The calendar year, e.g. 2023.")
        parser.add_argument(
            "--published",
            action="store_true",
            help="Show the demo profile's published inflow and active cases beside the computed ones.",
        )
        parser.add_argument(
            "--profile",
            default=None,
            help="A profile name in demo/profiles or a path to a profile file "
            "(default: the profile named like the reference data file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        figures = aftercare_figures(year=options["year"])
        if not options["published"]:
            self._computed(figures)
            return
        try:
            profile = profile_load(options["profile"])
        except ProfileError as error:
            raise CommandError(str(error)) from error
        published = profile.get("aftercare", {}).get("published", {}).get(str(options["year"]))
        if not published:
            raise CommandError(f"The demo profile publishes no aftercare figures for {options['year']}.")
        self._beside_published(figures, published)

    def _computed(self, figures: AftercareFigures) -> None:
        self.stdout.write(f"Aftercare {figures.year}, computed from the case file")
        self.stdout.write(_line([title for title, _ in COLUMNS], COLUMNS))
        for row in figures.municipalities:
            cells = [row.name, row.inflow, row.active, row.no_aftercare_wanted]
            self.stdout.write(_line(cells, COLUMNS))
        totals = ["total", figures.inflow, figures.active, figures.no_aftercare_wanted]
        self.stdout.write(_line(totals, COLUMNS))

    def _beside_published(self, figures: AftercareFigures, published: dict[str, dict[str, int]]) -> None:
        self.stdout.write(
            f"Aftercare {figures.year}: computed from the case file beside the published figures"
        )
        self.stdout.write(_line([title for title, _ in PUBLISHED_COLUMNS], PUBLISHED_COLUMNS))
        # Every municipality the bureau serves has a row (with zeros), and so has any the profile publishes.
        rows = [(row.code, row.name, row.inflow, row.active) for row in figures.municipalities]
        rows += [(code, code, 0, 0) for code in published if code not in {row[0] for row in rows}]
        differing = []
        for code, name, inflow, active in rows:
            wanted = published.get(code, {"inflow": 0, "active": 0})
            same = (inflow, active) == (wanted["inflow"], wanted["active"])
            cells = [name, inflow, wanted["inflow"], active, wanted["active"]]
            self.stdout.write(_line(cells, PUBLISHED_COLUMNS) + ("" if same else "  differs"))
            if not same:
                differing.append(name)
        total_inflow = sum(row["inflow"] for row in published.values())
        total_active = sum(row["active"] for row in published.values())
        cells = ["total", figures.inflow, total_inflow, figures.active, total_active]
        self.stdout.write(_line(cells, PUBLISHED_COLUMNS))
        if differing:
            self.stdout.write(
                self.style.WARNING(f"Differs from the published figures: {', '.join(differing)}.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Every row equals the published figures."))


def _line(cells: list[Any], columns: tuple[tuple[str, int], ...]) -> str:
    (_, width), *rest = columns
    return f"{cells[0]!s:<{width}}" + "".join(
        f"  {cell!s:>{w}}" for cell, (_, w) in zip(cells[1:], rest, strict=True)
    )
