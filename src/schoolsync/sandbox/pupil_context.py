"""A pupil's context as Wonde serves it: SEN status and needs, FSM and pupil premium, EAL,
ethnicity, care, and an attendance summary, drawn at rates like an English school's.
"""

from __future__ import annotations

from datetime import date, timedelta

from schoolsync.sandbox.people import PeopleFactory

_SEN_NEEDS = (
    ("SEMH", "Social, Emotional and Mental Health", 24),
    ("SLCN", "Speech, Language and Communication Needs", 22),
    ("SPLD", "Specific Learning Difficulty", 14),
    ("ASD", "Autistic Spectrum Disorder", 14),
    ("MLD", "Moderate Learning Difficulty", 12),
    ("PD", "Physical Disability", 4),
    ("HI", "Hearing Impairment", 2),
    ("VI", "Visual Impairment", 2),
    ("SLD", "Severe Learning Difficulty", 2),
    ("OTH", "Other Difficulty/Disability", 4),
)

# Home languages by heritage, for EAL: (language, share of families speaking it at home).
_HOME_LANGUAGE: dict[str, tuple[str, float]] = {
    "south_asian": ("Urdu", 0.55), "west_african": ("Yoruba", 0.35), "polish": ("Polish", 0.8),
    "chinese": ("Chinese", 0.6), "vietnamese": ("Vietnamese", 0.75),
    "iberian": ("Portuguese", 0.5), "north_european": ("Dutch", 0.4),
    "french": ("French", 0.5), "turkish_somali": ("Turkish", 0.6),
    "romanian": ("Romanian", 0.8), "welsh": ("Welsh", 0.3),
}  # fmt: skip

_ETHNICITY = {
    "english": "WBRI", "scottish": "WBRI", "welsh": "WBRI", "irish": "WIRI",
    "caribbean": "BCRB", "south_asian": "APKN", "west_african": "BAFR", "polish": "WOTH",
    "chinese": "CHNE", "vietnamese": "AOTH", "iberian": "WOTH", "north_european": "WOTH",
    "french": "WOTH", "turkish_somali": "OOTH", "romanian": "WROM",
}  # fmt: skip


def add_extended_details(factory: PeopleFactory, pupil_id: str, heritage: str) -> None:
    """`extended_details` and `sen_needs` for a pupil of a family of `heritage`."""
    rng, school = factory.rng, factory.school
    status = rng.choices(("N", "K", "E"), weights=(84, 13.5, 2.5))[0]
    fsm = rng.random() < 0.24
    fsm6 = fsm or rng.random() < 0.08
    in_care = rng.random() < 0.006
    service = rng.random() < 0.01
    language, share = _HOME_LANGUAGE.get(heritage, ("English", 0.0))
    eal = rng.random() < share
    school.extended_details[pupil_id] = {
        "sen_status": status,
        "free_school_meals": fsm,
        "free_school_meals_6": fsm6,
        "premium_pupil_indicator": fsm6 or in_care or service,
        "english_as_additional_language": eal,
        "first_language": language if eal else "English",
        "ethnicity": _ETHNICITY.get(heritage, "NOBT"),
        "in_lea_care": in_care,
        "ever_in_care": in_care or rng.random() < 0.01,
        "service_children_indicator": service,
    }
    if status == "N":
        school.sen_needs[pupil_id] = []
        return
    count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    picked: list[tuple[str, str, int]] = []
    while len(picked) < count:
        need = rng.choices(_SEN_NEEDS, weights=[w for *_, w in _SEN_NEEDS])[0]
        if need not in picked:
            picked.append(need)
    school.sen_needs[pupil_id] = [
        {"id": school.new_id(rng), "type": code, "description": text, "rank": rank}
        for rank, (code, text, _) in enumerate(picked, start=1)
    ]


def add_attendance(factory: PeopleFactory, pupil_id: str, admitted: date) -> None:
    """Invented shape (Wonde documents only possible_marks): sessions since September."""
    rng = factory.rng
    term_start = max(date(factory.academic_start, 9, 1), admitted)
    weekdays = sum(
        1
        for offset in range(max(0, (factory.anchor.date() - term_start).days))
        if (term_start + timedelta(days=offset)).weekday() < 5
    )
    possible = int(weekdays * 2 * 0.9)
    absent_rate = min(0.5, rng.expovariate(1 / 0.055))
    absences = round(possible * absent_rate)
    unauthorised = round(absences * rng.uniform(0.1, 0.45))
    factory.school.attendance_summary[pupil_id] = {
        "possible_marks": possible,
        "present_marks": possible - absences,
        "authorised_absence_marks": absences - unauthorised,
        "unauthorised_absence_marks": unauthorised,
        "late_marks": min(possible - absences, round(rng.expovariate(1 / 3))),
    }
