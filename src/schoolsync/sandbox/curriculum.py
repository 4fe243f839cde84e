"""What a school teaches and how pupils are split into classes.

Secondary (years 7 to 13), in the way English schools commonly timetable:
- KS3 (7-9): each year is two bands (x, y) of forms; every subject is taught in band-wide sets
  of about 28; half the forms learn French, half Spanish. Names like "8y/Ma3".
- KS4 (10-11): a band-taught core, combined or (for a quarter) triple science, and four
  options chosen from blocks A-D. Names like "10x/Bi1", "11C/Gg2".
- Sixth form (12-13): three A levels (some take four), plus enrichment, PSHE and games.
Primary (Reception to 6): one class per form for the curriculum and PE, French per form in
KS2, and phonics and maths sets across a year.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

SUBJECT_NAMES: dict[str, str] = {
    "Ma": "Mathematics", "En": "English", "Sc": "Science", "Bi": "Biology",
    "Ch": "Chemistry", "Ph": "Physics", "Hi": "History", "Gg": "Geography", "Fr": "French",
    "Sp": "Spanish", "Ar": "Art & Design", "Mu": "Music", "Dr": "Drama",
    "PE": "Physical Education", "Gm": "Games", "Cp": "Computing",
    "RE": "Religious Education", "DT": "Design & Technology", "Pd": "PSHE",
    "Fd": "Food Preparation & Nutrition", "Bs": "Business", "Ps": "Psychology",
    "So": "Sociology", "Fm": "Further Mathematics", "Ep": "Enrichment",
    "Cu": "Primary Curriculum", "Pn": "Phonics",
}  # fmt: skip

# Who teaches what, and how much of the timetable each department fills (staffing weights).
DEPARTMENTS: dict[str, tuple[tuple[str, ...], float]] = {
    "Mathematics": (("Ma", "Fm"), 12),
    "English": (("En",), 12),
    "Science": (("Sc", "Bi", "Ch", "Ph"), 13),
    "Humanities": (("Hi", "Gg", "RE"), 10),
    "Modern Foreign Languages": (("Fr", "Sp"), 6),
    "Creative Arts": (("Ar", "Mu", "Dr"), 8),
    "Physical Education": (("PE", "Gm"), 7),
    "Computing": (("Cp",), 3),
    "Technology": (("DT", "Fd"), 6),
    "Social Sciences": (("Bs", "Ps", "So"), 4),
}
# Taught by form tutors and whoever has space, not a department.
PASTORAL_SUBJECTS = ("Pd", "Ep")

SECONDARY_SUBJECTS = tuple(code for code in SUBJECT_NAMES if code not in ("Cu", "Pn"))
PRIMARY_SUBJECTS = ("Cu", "Ma", "Pn", "PE", "Fr")

_KS3 = ("Ma", "En", "Sc", "Hi", "Gg", "Ar", "Mu", "Dr", "PE", "Gm", "Cp", "RE", "DT", "Pd", "Fd")
_SETTED = frozenset({"Ma", "En", "Sc"})
_KS4_CORE = ("Ma", "En", "PE", "Gm", "RE", "Pd")
_KS4_OPTIONS = {
    "Hi": 30, "Gg": 30, "Fr": 12, "Sp": 12, "Ar": 12, "Mu": 6, "Dr": 8, "Cp": 12, "DT": 10,
    "Fd": 10, "Bs": 14, "Ps": 10,
}  # fmt: skip
_A_LEVELS = {
    "Ma": 20, "En": 10, "Bi": 12, "Ch": 10, "Ph": 8, "Hi": 10, "Gg": 7, "Fr": 2, "Sp": 3,
    "Ar": 6, "Mu": 2, "Dr": 3, "Cp": 5, "Bs": 8, "Ps": 14, "So": 10, "PE": 4, "RE": 4, "DT": 3,
}  # fmt: skip
_SIXTH_FORM_CORE = ("Ep", "Pd", "Gm")
_BLOCKS = "ABCDE"


@dataclass
class ClassPlan:
    name: str
    subject: str
    year: str
    students: list[str]


def split(pupils: list[str], size: int) -> list[list[str]]:
    """Even chunks of at most `size` (sizes differ by one at most), order kept."""
    if not pupils:
        return []
    count = math.ceil(len(pupils) / size)
    base, extra = divmod(len(pupils), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + base + (1 if index < extra else 0)
        chunks.append(pupils[start:end])
        start = end
    return chunks


def _sets(
    rng: random.Random, label: str, code: str, year: str, pupils: list[str], size: int
) -> list[ClassPlan]:
    pool = list(pupils)
    rng.shuffle(pool)  # stands in for setting by prior attainment
    return [
        ClassPlan(f"{label}/{code}{number}", code, year, chunk)
        for number, chunk in enumerate(split(pool, size), start=1)
    ]


def _bands(forms: list[list[str]]) -> list[tuple[str, list[list[str]]]]:
    half = math.ceil(len(forms) / 2)
    bands = [("x", forms[:half]), ("y", forms[half:])]
    return [(letter, group) for letter, group in bands if group]


def secondary_plans(rng: random.Random, year: str, forms: list[list[str]]) -> list[ClassPlan]:
    number = int(year)
    if number <= 9:
        return _key_stage_3(rng, year, forms)
    if number <= 11:
        return _key_stage_4(rng, year, forms)
    return _sixth_form(rng, year, [pupil for form in forms for pupil in form])


def _key_stage_3(rng: random.Random, year: str, forms: list[list[str]]) -> list[ClassPlan]:
    plans: list[ClassPlan] = []
    for band, band_forms in _bands(forms):
        pupils = [pupil for form in band_forms for pupil in form]
        label = f"{year}{band}"
        for code in _KS3:
            plans += _sets(rng, label, code, year, pupils, 28 if code in _SETTED else 30)
        french = [p for i, form in enumerate(band_forms) if i % 2 == 0 for p in form]
        spanish = [p for i, form in enumerate(band_forms) if i % 2 == 1 for p in form]
        plans += _sets(rng, label, "Fr", year, french, 30)
        plans += _sets(rng, label, "Sp", year, spanish, 30)
    return plans


def _key_stage_4(rng: random.Random, year: str, forms: list[list[str]]) -> list[ClassPlan]:
    plans: list[ClassPlan] = []
    everyone = [pupil for form in forms for pupil in form]
    triple = set(rng.sample(everyone, k=len(everyone) // 4))
    for band, band_forms in _bands(forms):
        pupils = [pupil for form in band_forms for pupil in form]
        label = f"{year}{band}"
        for code in _KS4_CORE:
            plans += _sets(rng, label, code, year, pupils, 28 if code in _SETTED else 30)
        plans += _sets(rng, label, "Sc", year, [p for p in pupils if p not in triple], 28)
    for code in ("Bi", "Ch", "Ph"):
        plans += _sets(rng, f"{year}x", code, year, [p for p in everyone if p in triple], 26)
    chosen = _choose(rng, everyone, _KS4_OPTIONS, picks=lambda: 4)
    for block, (code, pupils) in enumerate(chosen.items()):
        plans += _sets(rng, f"{year}{_BLOCKS[block % 4]}", code, year, pupils, 24)
    return plans


def _sixth_form(rng: random.Random, year: str, pupils: list[str]) -> list[ClassPlan]:
    plans: list[ClassPlan] = []
    chosen = _choose(rng, pupils, _A_LEVELS, picks=lambda: 4 if rng.random() < 0.1 else 3)
    further = [p for p in chosen.get("Ma", []) if rng.random() < 0.2]
    if further:
        chosen["Fm"] = further
    for block, (code, members) in enumerate(chosen.items()):
        plans += _sets(rng, f"{year}{_BLOCKS[block % 5]}", code, year, members, 16)
    for code in _SIXTH_FORM_CORE:
        plans += _sets(rng, year, code, year, pupils, 25)
    return plans


def _choose(
    rng: random.Random,
    pupils: list[str],
    weights: dict[str, int],
    picks: Callable[[], int],
) -> dict[str, list[str]]:
    """Each pupil picks distinct subjects by popularity; subject -> pupils, in catalogue order."""
    codes = list(weights)
    taken: dict[str, list[str]] = {code: [] for code in codes}
    for pupil in pupils:
        wanted: set[str] = set()
        target = picks()
        while len(wanted) < target:
            wanted.add(rng.choices(codes, weights=[weights[c] for c in codes])[0])
        for code in codes:
            if code in wanted:
                taken[code].append(pupil)
    return {code: members for code, members in taken.items() if members}


def primary_plans(
    rng: random.Random, year: str, forms: list[tuple[str, list[str]]]
) -> list[ClassPlan]:
    """Form classes for the curriculum and PE (and French in KS2), sets for phonics/maths."""
    plans: list[ClassPlan] = []
    for form_name, pupils in forms:
        plans.append(ClassPlan(form_name, "Cu", year, list(pupils)))
        plans.append(ClassPlan(f"{form_name}/PE", "PE", year, list(pupils)))
        if year not in ("R", "1", "2"):
            plans.append(ClassPlan(f"{form_name}/Fr", "Fr", year, list(pupils)))
    everyone = [pupil for _, pupils in forms for pupil in pupils]
    if year in ("R", "1", "2"):
        plans += _sets(rng, year, "Pn", year, everyone, 15)
    if year in ("5", "6"):
        plans += _sets(rng, year, "Ma", year, everyone, 20)
    return plans
