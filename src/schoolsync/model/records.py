"""The domain values every stage of a sync passes along: plain, immutable, free of I/O.

A source (Wonde, a CTF, a OneRoster set) turns what it read into a `Snapshot`; validation,
planning and safeguarding take snapshots and return new values; only the orchestrator and the
store touch the outside world.

People and structures are identified by their *source links*: the id the source gave them
(`source_id`: the Wonde id, the file's sourcedId), the MIS id, the UPI and the UPN. A renamed or
moved record keeps at least one of those, which is how it is updated rather than duplicated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["student", "teacher", "staff", "contact"]
ROLES: tuple[Role, ...] = ("student", "teacher", "staff", "contact")

#: People are matched only within their family: a teacher who becomes non-teaching staff is
#: the same employee, but a parent who also works at the school is two records.
Family = Literal["pupil", "employee", "contact"]

GroupKind = Literal[
    "year",
    "registration",
    "house",
    "boarding",
    "course",
    "misc",
    "user",
    "campus",
    "division",
    "department",
]
GROUP_KINDS: frozenset[str] = frozenset(GroupKind.__args__)  # type: ignore[attr-defined]

Gender = Literal["male", "female", "other", "not_stated"]

SourceKind = Literal["wonde", "ctf", "oneroster", "staff_csv"]

#: What kind of record an issue is about: a person by role, a user of unknown type, a class,
#: group or subject, or the school itself. The words ("Student", "Class") are chosen in one
#: place, `model/labels.py`, and are what the issues CSV's Entity Type column says.
IssueEntity = Literal[
    "student", "teacher", "staff", "contact", "user", "class", "group", "subject", "school"
]


def family_of(role: Role) -> Family:
    if role == "student":
        return "pupil"
    if role == "contact":
        return "contact"
    return "employee"


@dataclass(frozen=True, slots=True)
class SenNeed:
    """One ranked type of special educational need (rank 1 is the primary need)."""

    code: str
    rank: int


@dataclass(frozen=True, slots=True)
class Attendance:
    """Sessions this academic year, as the MIS counts them."""

    possible: int
    present: int
    authorised: int
    unauthorised: int
    late: int
    #: absences with no reason recorded yet: counted as unauthorised where the school says so
    #: (`unexplained_as_unauthorised`, on by default)
    unexplained: int = 0

    def unauthorised_shown(self, unexplained_as_unauthorised: bool) -> int:
        """The unauthorised count as shown and exported under the school's setting."""
        return self.unauthorised + (self.unexplained if unexplained_as_unauthorised else 0)


@dataclass(frozen=True, slots=True)
class Person:
    role: Role
    source_id: str
    forename: str
    surname: str
    mis_id: str | None = None
    upi: str | None = None
    upn: str | None = None
    title: str | None = None
    #: The names the school uses (known-as: CTF `PreferredForename`, Wonde `forename`, OneRoster
    #: `preferredGivenName`) are `forename`, `middle_names` and `surname`; the legal names, where
    #: the source has them, are the `legal_*` fields. Both are kept, and both are exported.
    middle_names: str | None = None
    legal_forename: str | None = None
    legal_middle_names: str | None = None
    legal_surname: str | None = None
    gender: Gender | None = None
    date_of_birth: dt.date | None = None
    email: str | None = None
    #: The login name the source gives (OneRoster's `username`). Most sources give none, and
    #: the product makes one (the email, or initial and surname); contacts never have one.
    username: str | None = None
    #: National Curriculum year for pupils ("7", "R", "N2"); None for adults.
    year_group: str | None = None
    sen_status: str | None = None
    sen_needs: tuple[SenNeed, ...] = ()
    free_school_meals: bool | None = None
    pupil_premium: bool | None = None
    english_additional_language: bool | None = None
    attendance: Attendance | None = None
    #: When the person joins and leaves the school (admission and leaving dates, employment
    #: start and end), and whether the MIS lists them as active: who is a leaver or a future
    #: starter (`engine/leavers.py`). Not stored: they decide whether the person is synced.
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    active: bool | None = None
    #: Fields the source sent but that could not be read (a warning issue says which): a
    #: person already stored keeps what they had there, rather than having it blanked.
    unreadable: frozenset[str] = frozenset()

    @property
    def family(self) -> Family:
        return family_of(self.role)

    @property
    def display_name(self) -> str:
        return f"{self.forename} {self.surname}".strip()


@dataclass(frozen=True, slots=True)
class Subject:
    source_id: str
    name: str
    mis_id: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class SchoolClass:
    """A teaching group. Members are given by the source ids of the people in it."""

    source_id: str
    name: str
    mis_id: str | None = None
    code: str | None = None
    subject_source_id: str | None = None
    year_group: str | None = None
    #: where the class is taught (OneRoster `location`): a room, a site
    location: str | None = None
    student_ids: tuple[str, ...] = ()
    teacher_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """A year, registration (form), house or other pastoral group."""

    source_id: str
    name: str
    kind: GroupKind
    mis_id: str | None = None
    code: str | None = None
    student_ids: tuple[str, ...] = ()
    employee_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ContactLink:
    pupil_source_id: str
    contact_source_id: str
    relationship: str | None = None
    priority: int | None = None
    parental_responsibility: bool | None = None
    lives_with_pupil: bool | None = None


DeletedKind = Literal["student", "employee", "contact", "class", "group", "subject"]


@dataclass(frozen=True, slots=True)
class Deletion:
    """A top-level record the source says is gone (an incremental sync's only news of leavers)."""

    kind: DeletedKind
    source_id: str
    mis_id: str | None = None


@dataclass(frozen=True, slots=True)
class SchoolInfo:
    name: str
    urn: str | None = None
    la_code: str | None = None
    establishment_number: str | None = None
    mis: str | None = None
    phase: str | None = None
    timezone: str | None = None

    def facts(self) -> dict[str, str | None]:
        """What a sync records of the school itself (its name is the school's own choice)."""
        return {
            "urn": self.urn,
            "la_code": self.la_code,
            "establishment_number": self.establishment_number,
            "mis": self.mis,
            "phase": self.phase,
            "timezone": self.timezone,
        }


@dataclass(frozen=True, slots=True)
class Issue:
    """A data problem found in one entity. An *error* left the entity out; a *warning* dropped a
    value and kept the entity."""

    entity: IssueEntity
    entity_name: str
    message: str
    source_id: str = ""
    mis_id: str = ""
    severity: Literal["error", "warning"] = "error"

    @property
    def entity_type(self) -> str:
        """The kind in words ("Student", "Class"): the issues CSV's Entity Type."""
        from schoolsync.model.labels import ENTITY_LABELS

        return ENTITY_LABELS[self.entity]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything one fetch read from a source, normalised.

    `complete` says whether absence means "gone": a full fetch is complete, an incremental one
    (records updated since a moment, plus `deletions`) is not. `read_issues` are problems met
    while reading single records that could not be turned into domain values.
    """

    source: SourceKind
    complete: bool
    people: tuple[Person, ...] = ()
    subjects: tuple[Subject, ...] = ()
    classes: tuple[SchoolClass, ...] = ()
    groups: tuple[Group, ...] = ()
    contact_links: tuple[ContactLink, ...] = ()
    deletions: tuple[Deletion, ...] = ()
    school: SchoolInfo | None = None
    read_issues: tuple[Issue, ...] = ()
    #: The person fields this source speaks for (None: all of them). A CTF knows nothing of
    #: Wonde ids or staff emails, so a CTF import must not blank them; a created person still
    #: gets every value the source has.
    person_fields: frozenset[str] | None = None
    #: Where the values came from, for issue messages ("CTF.xml", a OneRoster package's name);
    #: None for an API.
    origin: str | None = None
    #: Roles whose stored people this fetch does not speak for (the school turned their import
    #: off): none of them is created, updated or leaves.
    roles_left_alone: frozenset[str] = frozenset()
    #: Entity families this fetch covered; a family not listed is left untouched by the plan.
    covers: frozenset[str] = field(
        default_factory=lambda: frozenset(
            {"pupil", "employee", "contact", "subject", "class", "group", "contact_link"}
        )
    )
