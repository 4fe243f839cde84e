"""English school conventions in OneRoster's (largely US) vocabulary, shared by the reader
(`sources.oneroster`) and the writer (`exports.oneroster`). Pure.

Every mapping here is a judgement call; each says why it was made, so a consumer who disagrees
knows what they are disagreeing with.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: The `source.systemName` our own exports carry in their manifest: a package we wrote is
#: recognised when it comes back.
SYSTEM_NAME = "schoolsync"

# --- grades -------------------------------------------------------------------------------
# OneRoster grades are CEDS Entry Grade Level codes. National Curriculum years map by number
# (Year 7 -> "07", ..., Year 13 -> "13"), not by age: a UK Year 1 pupil is the age of a US
# kindergartner, but every consumer we know shows "07" to UK schools as "Year 7", and mapping
# by age would make "Year 7" appear as "06". Below Year 1 the order is kept: Reception is the
# year before Year 1, so "KG"; N2 (the nursery year before Reception) is "PK"; N1 (the year
# before that) is "PR" (preschool). X ("not following a National Curriculum year") is "UG",
# CEDS's ungraded. Year 14 and anything unrecognised get no grade: a wrong grade puts a pupil
# into the wrong year's content, an empty one only asks the consumer to look.
GRADES: dict[str, str] = {
    "N1": "PR",
    "N2": "PK",
    "R": "KG",
    **{str(year): f"{year:02d}" for year in range(1, 14)},
    "X": "UG",
}
#: the order a consumer would list them in (youngest first)
GRADE_ORDER: tuple[str, ...] = ("PR", "PK", "KG", *(f"{y:02d}" for y in range(1, 14)), "UG")

_YEAR_PREFIX = re.compile(r"^(?:YEAR|YR|Y|NC)\s*")


def grade(year_group: str | None) -> str | None:
    """The CEDS code for a National Curriculum year ("7", "Year 7", "07", "R", "Reception")."""
    if not year_group:
        return None
    text = _YEAR_PREFIX.sub("", year_group.strip().upper())
    if text in ("RECEPTION", "REC"):
        text = "R"
    if text.isdigit():
        text = str(int(text))
    return GRADES.get(text)


def sorted_grades(grades: Iterable[str]) -> list[str]:
    return sorted(set(grades), key=GRADE_ORDER.index)


# --- sex ----------------------------------------------------------------------------------
# The store's "not_stated" (and no value at all) is 1.2's "unspecified": both mean "we were
# not told", which is not the same as "other".
_SEX = {"male": "male", "female": "female", "other": "other"}


def sex(gender: str | None) -> str:
    return _SEX.get((gender or "").lower(), "unspecified")


# --- groups ---------------------------------------------------------------------------------
# A registration (form) group is a `homeroom`. Year groups, houses, departments and the other
# kinds have no OneRoster class type, and leaving them out loses them on a round trip, so each is
# written with a type of its own under the spec's `ext:` extension, named for schoolsync so that
# an import never mistakes another vendor's extension for one of them.
GROUP_CLASS_TYPE_PREFIX = "ext:schoolsync."

#: The course of teaching classes with no subject (1.2 requires every class to have one): name,
#: title and code. An import of schoolsync's own package knows it for what it is.
NO_SUBJECT_COURSE = ("no-subject", "Classes without a subject", "NONE")


def group_class_type(kind: str) -> str:
    return f"{GROUP_CLASS_TYPE_PREFIX}{kind}"


# --- roles --------------------------------------------------------------------------------
# One primary role per user at the school. Non-teaching staff (teaching assistants, office,
# site and support staff) become "aide": of the 1.2 roles it is the only adult staff role that
# grants no authority by itself. The store cannot tell a bursar from a cleaner, and consumers
# give "siteAdministrator" (or "principal") admin rights over the whole school, so guessing
# upward would hand those rights to everyone on the support staff.
STAFF_ROLES: dict[str, str] = {"student": "student", "teacher": "teacher", "staff": "aide"}

_PARENT_WORDS = frozenset({"mother", "father", "parent", "mum", "dad", "par", "stp"})
#: words that turn a parent word into someone else: "Foster Mother", "Partner of Parent",
#: "Mother-in-law", "Friend of Father"
_NOT_PARENT_WORDS = frozenset({"foster", "partner", "law", "friend"})


@dataclass(frozen=True, slots=True)
class Relation:
    """What one contact link says about the contact, as far as the role needs it."""

    relationship: str | None
    parental_responsibility: bool | None


def contact_role(relations: Iterable[Relation]) -> str:
    """A contact's role, "parent" or "guardian", from every link they have to a pupil.

    1.2 defines a parent as the mother or father and a guardian as someone responsible for the
    pupil who is not; mothers, fathers and step-parents (CBDS PAR, STP) are parents, and so is
    someone with parental responsibility whose relationship the MIS did not record. Foster
    carers, carers, grandparents and everyone else the school lists as a contact are guardians:
    the school gave them a say about the pupil, which "relative" would not convey. A contact who
    is a parent to any of their linked pupils is a parent.
    """
    for relation in relations:
        if _is_parent(relation):
            return "parent"
    return "guardian"


def _is_parent(relation: Relation) -> bool:
    if not relation.relationship or not relation.relationship.strip():
        return relation.parental_responsibility is True
    words = {
        word.removeprefix("step") for word in re.findall(r"[a-z]+", relation.relationship.lower())
    }
    return words.isdisjoint(_NOT_PARENT_WORDS) and not words.isdisjoint(_PARENT_WORDS)


# --- the school year ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SchoolYear:
    """An English academic year: 1 September to 31 August."""

    start: dt.date
    end: dt.date

    @property
    def end_year(self) -> int:
        """OneRoster's `schoolYear`: the calendar year in which the school year ends."""
        return self.end.year

    @property
    def title(self) -> str:
        return f"{self.start.year}/{self.end.year % 100:02d}"


def school_year_containing(day: dt.date) -> SchoolYear:
    start_year = day.year if day.month >= 9 else day.year - 1
    return SchoolYear(dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31))
