"""Large, realistic uploads for measuring the file readers: a CTF and a OneRoster 1.2 package
of a whole secondary school. Deterministic for a given size and seed.

    python -m tests.files.generate --pupils 2000 --out /tmp/school    # writes both
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from pathlib import Path
from xml.sax.saxutils import escape

FORENAMES = [
    "Siobhán",
    "Łucja",
    "Jean-Luc",
    "Zoë",
    "Mohammed",
    "Aoife",
    "Ciarán",
    "Noor",
    "Amélie",
    "Oliver",
    "Amara",
    "Kwame",
    "Priya",
    "Seán",
    "Maja",
    "Tomasz",
    "Chloé",
    "Dylan",
]
SURNAMES = [
    "O'Connor",
    "Wójcik",
    "D'Arcy",
    "Brontë",
    "Al-Hassan",
    "Smith-Jones",
    "Nguyễn",
    "Okafor",
    "Ó Briain",
    "Patel",
    "MacGiolla Phádraig",
    "Evans",
    "Kowalska",
    "Mensah",
]
SUBJECTS = [("MA", "Mathematics"), ("EN", "English"), ("SC", "Science"), ("HI", "History"),
            ("GE", "Geography"), ("FR", "French"), ("CS", "Computing"), ("PE", "PE"),
            ("AR", "Art"), ("MU", "Music")]  # fmt: skip
_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_MARKS = "/\\" * 190  # a year of sessions present, AM and PM


def upn(serial: int) -> str:
    digits = f"99940011{serial:04d}"
    total = sum(int(d) * w for d, w in zip(digits, range(2, 14), strict=True))
    return _LETTERS[total % 23] + digits


def ctf_xml(pupils: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<CTfile>\n <Header>\n'
        "  <DocumentName>Common Transfer File</DocumentName>\n  <CTFversion>25.0</CTFversion>\n"
        "  <DateTime>2025-07-18T14:05:31</DateTime>\n"
        "  <DocumentQualifier>full</DocumentQualifier>\n"
        "  <SupplierID>ExampleMIS</SupplierID>\n  <SourceSchool><LEA>999</LEA><Estab>4001</Estab>"
        "<URN>999401</URN><SchoolName>Larkfield Academy</SchoolName>"
        "<AcademicYear>2024</AcademicYear></SourceSchool>\n </Header>\n <CTFpupilData>\n"
    )
    for n in range(pupils):
        forename, surname = rng.choice(FORENAMES), rng.choice(SURNAMES)
        year = 7 + n % 5
        sen = rng.choice("NNNNNKKE")
        needs = "".join(
            f"<SENneed><SENtypeRank>{rank}</SENtypeRank><SENtype>{code}</SENtype></SENneed>"
            for rank, code in enumerate(rng.sample(["SPLD", "SLCN", "ASD", "SEMH", "MLD"], 2), 1)
        )
        fsm_end = "" if rng.random() < 0.2 else "<FSMendDate>2023-07-20</FSMendDate>"
        contacts = "".join(
            f"<Contact><Order>{order}</Order><Title>{rng.choice(['Mr', 'Mrs', 'Ms', 'Dr'])}</Title>"
            f"<Surname>{escape(surname)}</Surname><Forename>{escape(rng.choice(FORENAMES))}"
            f"</Forename><Relationship>{rng.choice(['PAR', 'PAR', 'CAR', 'FAM'])}</Relationship>"
            f"<Responsibility>true</Responsibility><Address><AddressAsPupil>true</AddressAsPupil>"
            f"</Address><Phones><Phone><TelephoneType>M</TelephoneType><PhoneNo>07700 9{n:05d}"
            f"</PhoneNo></Phone></Phones><Email>contact{n}.{order}@example.org</Email></Contact>"
            for order in range(1, rng.choice([2, 3, 3]))
        )
        possible = 380
        authorised, unauthorised = rng.randint(0, 30), rng.randint(0, 15)
        out.write(
            f"  <Pupil><UPN>{upn(n)}</UPN><Surname>{escape(surname)}</Surname>"
            f"<Forename>{escape(forename)}</Forename>"
            f"<DOB>{2014 - n % 5}-0{1 + n % 9}-1{n % 9}</DOB>"
            f"<Sex>{rng.choice('MF')}</Sex><BasicDetails><NCyearActual>{year}</NCyearActual>"
            "<Ethnicity>WBRI</Ethnicity><Languages><Type><LanguageType>F</LanguageType>"
            "<Language>ENG</Language></Type></Languages><EnrolStatus>C</EnrolStatus>"
            "</BasicDetails><FSMhistory><FSMinstance><FSMstartDate>2021-02-01</FSMstartDate>"
            f"{fsm_end}<UKcountry>ENG</UKcountry></FSMinstance></FSMhistory>"
            f"<SENhistory><SEN><StartDate>2023-10-02</StartDate><SENprovision>{sen}"
            f"</SENprovision></SEN><SENneeds>{needs if sen != 'N' else ''}</SENneeds></SENhistory>"
            "<Address><BS7666Address><PAON>14</PAON><Street>Heron Way</Street><Town>Exampleton"
            "</Town></BS7666Address><PostCode>ZZ99 3AB</PostCode></Address>"
            f"<Contacts>{contacts}</Contacts><Attendance><YearData><Year>2024</Year><LEA>999</LEA>"
            f"<Estab>4001</Estab><SessionsPossible>{possible}</SessionsPossible>"
            f"<SessionsAuthorised>{authorised}</SessionsAuthorised><SessionsAttended>"
            f"{possible - authorised - unauthorised}</SessionsAttended><SessionsUnauthorised>"
            f"{unauthorised}</SessionsUnauthorised><AttendSessions><AttendanceStartDate>"
            f"2024-09-04</AttendanceStartDate><AttendanceMarks>{_MARKS}</AttendanceMarks>"
            "</AttendSessions></YearData></Attendance></Pupil>\n"
        )
    out.write(" </CTFpupilData>\n</CTfile>\n")
    return out.getvalue().encode("utf-8")


HEADERS = {
    "manifest": "propertyName,value",
    "users": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,"
    "primaryOrgSourcedId,pronouns",
    "roles": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
    "orgSourcedId,userProfileSourcedId",
    "demographics": "sourcedId,status,dateLastModified,birthDate,sex",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
    "orgSourcedId,subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
    "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
    "userSourcedId,role,primary,beginDate,endDate",
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
}


def _csv(name: str, rows: list[dict[str, str]]) -> bytes:
    """Rows as dicts; columns a row does not name are empty, as in a bulk file."""
    header = HEADERS[name].split(",")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return buffer.getvalue().encode("utf-8")


def oneroster_files(pupils: int, seed: int = 7) -> dict[str, bytes]:
    """A OneRoster 1.2 bulk package: pupils, a teacher per 15 pupils, two contacts per pupil,
    a form per 30 pupils and ten subject classes per pupil."""
    rng = random.Random(seed)
    teachers = max(1, pupils // 15)
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in HEADERS}
    users, roles = tables["users"], tables["roles"]

    def role(user: str, word: str) -> None:
        roles.append(
            {
                "sourcedId": f"r-{user}",
                "userSourcedId": user,
                "roleType": "primary",
                "role": word,
                "orgSourcedId": "org-1",
            }
        )

    for n in range(pupils):
        surname = rng.choice(SURNAMES)
        users.append(
            {
                "sourcedId": f"p-{n}",
                "enabledUser": "true",
                "username": f"pupil{n}",
                "givenName": rng.choice(FORENAMES),
                "familyName": surname,
                "identifier": f"ADM{n:05d}",
                "email": f"pupil{n}@pupils.example",
                "agentSourcedIds": f"c-{n}-1,c-{n}-2",
                "grades": f"{7 + n % 5:02d}",
                "primaryOrgSourcedId": "org-1",
            }
        )
        role(f"p-{n}", "student")
        tables["demographics"].append(
            {"sourcedId": f"p-{n}", "birthDate": f"{2014 - n % 5}-03-0{1 + n % 9}", "sex": "female"}
        )
        for k in (1, 2):
            users.append(
                {
                    "sourcedId": f"c-{n}-{k}",
                    "enabledUser": "false",
                    "givenName": rng.choice(FORENAMES),
                    "familyName": surname,
                    "email": f"c{n}.{k}@example.org",
                    "agentSourcedIds": f"p-{n}",
                }
            )
            role(f"c-{n}-{k}", "parent")
    for t in range(teachers):
        users.append(
            {
                "sourcedId": f"t-{t}",
                "enabledUser": "true",
                "username": f"teacher{t}",
                "givenName": rng.choice(FORENAMES),
                "familyName": rng.choice(SURNAMES),
                "identifier": f"T{t:04d}",
                "email": f"teacher{t}@school.example",
            }
        )
        role(f"t-{t}", "teacher")
    for code, title in SUBJECTS:
        tables["courses"].append(
            {
                "sourcedId": f"crs-{code}",
                "title": title,
                "courseCode": code,
                "orgSourcedId": "org-1",
            }
        )
    classes, enrollments = tables["classes"], tables["enrollments"]

    def enrol(section: str, user: str, as_role: str) -> None:
        enrollments.append(
            {
                "sourcedId": f"e-{section}-{user}",
                "classSourcedId": section,
                "schoolSourcedId": "org-1",
                "userSourcedId": user,
                "role": as_role,
            }
        )

    for form in range((pupils + 29) // 30):
        grade = f"{7 + form % 5:02d}"
        classes.append(
            {
                "sourcedId": f"hr-{form}",
                "title": f"{int(grade)}{chr(65 + form // 5 % 26)}",
                "grades": grade,
                "classType": "homeroom",
                "schoolSourcedId": "org-1",
            }
        )
        enrol(f"hr-{form}", f"t-{form % teachers}", "teacher")
        for code, _ in SUBJECTS:
            classes.append(
                {
                    "sourcedId": f"cls-{form}-{code}",
                    "title": f"{form}/{code}1",
                    "grades": grade,
                    "courseSourcedId": f"crs-{code}",
                    "classCode": f"{form}/{code}1",
                    "classType": "scheduled",
                    "schoolSourcedId": "org-1",
                }
            )
            enrol(f"cls-{form}-{code}", f"t-{rng.randrange(teachers)}", "teacher")
    for n in range(pupils):
        enrol(f"hr-{n // 30}", f"p-{n}", "student")
        for code, _ in SUBJECTS:
            enrol(f"cls-{n // 30}-{code}", f"p-{n}", "student")
    tables["orgs"].append(
        {
            "sourcedId": "org-1",
            "name": "Larkfield Academy",
            "type": "school",
            "identifier": "999401",
        }
    )
    tables["manifest"] = [
        {"propertyName": key, "value": value}
        for key, value in [
            ("manifest.version", "1.0"),
            ("oneroster.version", "1.2"),
            ("source.systemName", "ExampleMIS"),
            *((f"file.{name}", "bulk") for name in HEADERS if name != "manifest"),
        ]
    ]
    return {f"{name}.csv": _csv(name, rows) for name, rows in tables.items()}


def write(pupils: int, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    ctf = out / f"ctf-{pupils}.xml"
    ctf.write_bytes(ctf_xml(pupils))
    package = out / f"oneroster-{pupils}"
    package.mkdir(exist_ok=True)
    for name, data in oneroster_files(pupils).items():
        (package / name).write_bytes(data)
    return ctf, package


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    for path in write(arguments.pupils, arguments.out):
        print(path)
