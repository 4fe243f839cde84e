"""OneRoster 1.2 CSV: file names and column headers, in the order the spec lists them.

Consumers match headers exactly and by position (meibo rejects a package whose first columns
are not the spec's list; D2L wants an exact match), so these tuples are the contract: change
them only against the 1EdTech CSV binding, never to suit a caller.
"""

from __future__ import annotations

MANIFEST_VERSION = "1.0"
ONEROSTER_VERSION = "1.2"

MANIFEST_HEADER: tuple[str, ...] = ("propertyName", "value")

#: Every file type a 1.2 manifest can name, in the order meibo lists them. A manifest names
#: each one, `bulk` or `absent`, so a consumer never has to guess what a missing line means.
FILE_TYPES: tuple[str, ...] = (
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
)

_COMMON = ("sourcedId", "status", "dateLastModified")

HEADERS: dict[str, tuple[str, ...]] = {
    "orgs": (*_COMMON, "name", "type", "identifier", "parentSourcedId"),
    "academicSessions": (
        *_COMMON,
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ),
    "courses": (
        *_COMMON,
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    "classes": (
        *_COMMON,
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ),
    "users": (
        *_COMMON,
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    "roles": (
        *_COMMON,
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
    "enrollments": (
        *_COMMON,
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ),
    "demographics": (
        *_COMMON,
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
}


def file_name(file_type: str) -> str:
    return f"{file_type}.csv"
