"""Load a house's reference data file into the reference tables.

The file (JSON, see `data/drenthe.json`) is the only place that names the house's municipalities,
partners and topics. Loading is additive: rows are matched by `code`, missing rows are created and
rows that exist are left as the admin edited them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SECTIONS = [
    ("regions", "Region"),
    ("municipalities", "Municipality"),
    ("partners", "Partner"),
    ("main_topics", "MainTopic"),
    ("problem_areas", "ProblemArea"),
    ("cross_border_scopes", "CrossBorderScope"),
    ("acceptance_criteria", "AcceptanceCriterion"),
    ("meeting_types", "MeetingType"),
    ("life_domains", "LifeDomain"),
    ("case_labels", "CaseLabel"),
]


def read_reference_file(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_reference_data(*, get_model: Any, data: dict[str, Any]) -> dict[str, int]:
    """Create the rows of `data` that do not exist yet; return how many were created per section.

    `get_model(name)` resolves a model of the reference app, so this works both with the live models
    and with the historical models of a data migration. A data migration loads what its point in the
    schema knows: sections without a model yet, and fields without a column yet, are left for a later
    migration.
    """
    created: dict[str, int] = {}
    house_model = get_model("House")
    if "house" in data and not house_model.objects.exists():
        house_model.objects.create(**data["house"])
    regions = {}
    for section, model_name in SECTIONS:
        try:
            model = get_model(model_name)
        except LookupError:
            continue
        known = {field.name for field in model._meta.get_fields()}
        count = 0
        for order, row in enumerate(data.get(section, []), start=1):
            fields = {name: value for name, value in row.items() if name in known}
            code = fields.pop("code")
            fields.setdefault("order", order)
            if model_name == "Municipality":
                fields["region"] = regions[fields["region"]]
            seated = fields.pop("seated_partners", None)
            obj, was_created = model.objects.get_or_create(code=code, defaults=fields)
            if seated is not None and was_created:
                obj.seated_partners.set(get_model("Partner").objects.filter(code__in=seated))
            if model_name == "Region":
                regions[code] = obj
            count += was_created
        created[section] = count
    return created
