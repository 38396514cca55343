"""Invented Dutch people for the demo: names, relations within a family, and valid-looking BSNs.

The lists are generic Dutch, not tied to one house; everything house-specific lives in the profile.
Every name is drawn from a seeded `random.Random`, so the same seed gives the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from cases.validators import bsn_is_valid

MALE_FIRST_NAMES = (
    "Jan", "Henk", "Gert", "Harm", "Albert", "Roelof", "Jeroen", "Bas", "Dennis", "Kevin", "Mark", "Patrick",
    "Ruben", "Tim", "Niels", "Sander", "Wouter", "Jeffrey", "Mike", "Rick", "Stefan", "Erik", "Martijn",
    "Johan", "Klaas", "Geert", "Hendrik", "Willem", "Pieter", "Anton", "Frank", "Marco", "Ronald", "Remco",
    "Jesse", "Daan", "Sem", "Lucas", "Milan", "Thijs", "Luuk", "Bram", "Jelle", "Joris", "Wessel", "Stijn",
    "Tygo", "Finn", "Mohamed", "Youssef", "Ahmet", "Dariusz", "Tomasz", "Robin", "Jordy", "Danny", "Arjan",
    "Egbert", "Jacob", "Lammert", "Freek", "Hidde",
)  # fmt: skip

FEMALE_FIRST_NAMES = (
    "Anna", "Janneke", "Ingrid", "Marieke", "Sandra", "Monique", "Esther", "Linda", "Petra", "Anouk",
    "Femke", "Lisa", "Sanne", "Kim", "Laura", "Nicole", "Wendy", "Marloes", "Iris", "Eva", "Fenna", "Lotte",
    "Roos", "Julia", "Emma", "Sophie", "Noa", "Tess", "Zoë", "Mila", "Jolanda", "Hennie", "Gerda", "Alie",
    "Jantje", "Geesje", "Hilda", "Trijntje", "Bianca", "Chantal", "Priscilla", "Kelly", "Samantha",
    "Tamara", "Yvonne", "Miranda", "Fatima", "Samira", "Aylin", "Agnieszka", "Joyce", "Demi", "Naomi",
    "Romy", "Esmee", "Manon", "Ilse", "Dineke", "Wilma", "Aaltje",
)  # fmt: skip

# (prefix, last name): "van der" + "Veen" is sorted under V but shown as "van der Veen".
LAST_NAMES = (
    ("", "Bakker"), ("", "Jansen"), ("de", "Vries"), ("van", "Dijk"), ("", "Smit"), ("", "Mulder"),
    ("de", "Boer"), ("", "Bos"), ("", "Visser"), ("", "Meijer"), ("de", "Jong"), ("van der", "Veen"),
    ("", "Hofstra"), ("", "Postma"), ("", "Dijkstra"), ("", "Kuipers"), ("", "Wolters"), ("", "Oosting"),
    ("", "Zwiers"), ("", "Veenstra"), ("", "Brouwer"), ("", "Hoekstra"), ("", "Jonker"), ("", "Schuiling"),
    ("", "Dekker"), ("", "Koster"), ("", "Nijenhuis"), ("", "Lubbers"), ("", "Kroeze"), ("", "Bruins"),
    ("", "Boerema"), ("", "Drent"), ("", "Hulshof"), ("", "Kamphuis"), ("", "Mensink"), ("", "Lamberts"),
    ("ter", "Horst"), ("van", "Wijk"), ("", "Huizing"), ("", "Tiesing"), ("", "Westerhof"), ("", "Wieringa"),
    ("", "Zuidema"), ("", "Hadders"), ("", "Kuiper"), ("", "Prins"), ("van den", "Berg"), ("van", "Leeuwen"),
    ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("", "Willems"), ("van der", "Meer"), ("", "Schouten"),
    ("de", "Graaf"), ("", "Kok"), ("", "Vermeulen"), ("", "Timmer"), ("", "Stoter"), ("", "Bolt"),
    ("", "Wever"), ("", "Oldenburger"), ("", "Eising"), ("", "Geertsema"), ("", "Haveman"), ("", "Klok"),
    ("", "Lanting"), ("", "Nijboer"), ("", "Oortwijn"), ("", "Pieters"), ("", "Reinders"), ("", "Sikkema"),
    ("", "Steenbergen"), ("", "Tuin"), ("", "Vedder"), ("", "Wanders"), ("", "Zandstra"), ("", "Ensing"),
    ("", "Hilbrants"), ("", "Jager"), ("", "Kremer"), ("", "Luchies"), ("", "Moes"), ("", "Nieuwenhuis"),
    ("", "Oosterveld"), ("", "Popken"), ("", "Rozema"), ("", "Schepers"), ("", "Talens"), ("", "Uneken"),
    ("", "Vorenkamp"), ("", "Wijnholds"), ("", "Yilmaz"), ("", "Kaya"), ("", "El Amrani"), ("", "Nowak"),
    ("", "Kowalski"), ("", "Bouma"), ("", "Hummel"), ("", "Kiers"), ("ten", "Brink"), ("in 't", "Veld"),
)  # fmt: skip

# Relations of other subjects to the main subject, with the gender they imply ("" = either).
CHILD_RELATIONS = (("zoon", "male"), ("dochter", "female"))
PARENT_RELATIONS = (("moeder", "female"), ("vader", "male"))
SIBLING_RELATIONS = (("broer", "male"), ("zus", "female"))
PARTNER_RELATION = "partner"


@dataclass(frozen=True)
class Name:
    first_name: str
    name_prefix: str
    last_name: str

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.name_prefix, self.last_name) if part)


def first_name_for(rng: random.Random, gender: str) -> str:
    if gender == "male":
        return rng.choice(MALE_FIRST_NAMES)
    if gender == "female":
        return rng.choice(FEMALE_FIRST_NAMES)
    return rng.choice(MALE_FIRST_NAMES + FEMALE_FIRST_NAMES)


def name_for(rng: random.Random, gender: str) -> Name:
    prefix, last = rng.choice(LAST_NAMES)
    return Name(first_name_for(rng, gender), prefix, last)


def family_name_for(rng: random.Random, gender: str, family: Name) -> Name:
    """A relative who shares the family name of the main subject."""
    return Name(first_name_for(rng, gender), family.name_prefix, family.last_name)


def email_local_part(name: Name) -> str:
    """ "j.van.der.veen" for Jan van der Veen: the usual shape of a work address."""
    words = [name.first_name[0], *name.name_prefix.split(), *name.last_name.split()]
    return ".".join(word.lower().replace("'", "") for word in words)


def bsn_new(rng: random.Random, taken: set[str]) -> str:
    """A nine-digit number that passes the elfproef and is not in `taken` (which it joins)."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check > 9:
            continue  # no single check digit makes this prefix valid
        value = "".join(map(str, digits)) + str(check)
        if value not in taken and bsn_is_valid(value):
            taken.add(value)
            return value
