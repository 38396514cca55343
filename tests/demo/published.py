"""The published annual report 2023 of the Zorg- en Veiligheidshuis Drenthe, row by row.

These are the report's rows written out by hand, independently of the demo profile (demo/profiles/) the
demo data set is generated from: the tests compare what the demo data yields with these values, so they
must not be read from the profile. Where the report's printed totals disagree with its own rows, the rows
are given here and the difference is noted; totals are left to the tests that need them.
"""

from __future__ import annotations

# Referrals received in 2023 per partner: total, taken up as procesregie (coordination), as extended
# advice. The report prints 68 as the advice total; its rows add up to 63.
PARTNERS_2023: dict[str, tuple[int, int, int]] = {
    "andere-zvh": (11, 3, 8),
    "cosis": (2, 0, 2),
    "dji": (0, 0, 0),
    "gemeente-veiligheid": (32, 13, 19),
    "gemeente-sociaal-domein": (6, 6, 0),
    "de-toegang": (0, 0, 0),
    "ggd-oggz": (10, 1, 9),
    "ggz-drenthe": (6, 3, 3),
    "jb-noord-jb": (2, 1, 1),
    "jb-noord-jr": (0, 0, 0),
    "ldh-welzijn": (1, 0, 1),
    "ldh-reclassering": (1, 1, 0),
    "mee-drenthe": (1, 0, 1),
    "menso": (0, 0, 0),
    "om": (2, 2, 0),
    "politie": (30, 21, 9),
    "rvdk": (1, 1, 0),
    "reclassering-nederland": (8, 6, 2),
    "sociaal-teams": (2, 1, 1),
    "halt": (0, 0, 0),
    "veilig-thuis": (8, 2, 6),
    "vnn-verslavingszorg": (0, 0, 0),
    "vnn-reclassering": (5, 4, 1),
    "werkplein-drentsche-aa": (0, 0, 0),
    "ws-jb": (0, 0, 0),
    "ws-jr": (0, 0, 0),
    "zsm": (0, 0, 0),
}

# Per municipality of the main subject: procesregie active, procesregie inflow, extended advice,
# procesregie closed. The table prints 52 as the closed total; its rows add up to 54, the number of the
# report's overview.
MUNICIPALITIES_2023: dict[str, tuple[int, int, int, int]] = {
    "aa-en-hunze": (9, 4, 2, 3),
    "assen": (26, 11, 19, 9),
    "borger-odoorn": (9, 5, 3, 2),
    "coevorden": (11, 7, 1, 5),
    "emmen": (38, 21, 15, 22),
    "hoogeveen": (13, 6, 11, 4),
    "meppel": (8, 4, 3, 2),
    "midden-drenthe": (4, 0, 4, 4),
    "noordenveld": (1, 1, 1, 0),
    "tynaarlo": (8, 5, 3, 2),
    "westerveld": (0, 0, 1, 0),
    "de-wolden": (2, 1, 0, 1),
}

# Age of the main subject on the date received, per year received: up to 17, 18-23, 24-40, 41-65,
# 66 and older, unknown (no date of birth).
AGES_REFERRED: dict[int, tuple[int, int, int, int, int, int]] = {
    2023: (7, 15, 60, 32, 1, 13),
    2022: (5, 8, 56, 23, 0, 7),
    2021: (7, 10, 39, 28, 1, 1),
}

# Nazorg (aftercare) per municipality: inflow, active cases. The report's totals are 156 / 269.
AFTERCARE_2023: dict[str, tuple[int, int]] = {
    "aa-en-hunze": (11, 21),
    "hoogeveen": (55, 95),
    "midden-drenthe": (33, 60),
    "de-wolden": (6, 8),
    "tynaarlo": (36, 57),
    "meppel": (15, 28),
}
