"""The Settings page's form, read into a school's settings. Pure: fields in, settings or a
list of errors out (one per field, in the page's order), so the error summary can link to each.

Every value goes through the checks `schoolsync school settings` uses (`SchoolSettings.from_json`
and its parsers): the browser and the CLI accept and refuse the same things."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schoolsync.errors import ConfigError
from schoolsync.school_settings import USER_ROLES, SchoolSettings

#: The fields of the page, in order: (form name, label)
FIELDS = (
    ("alert_emails", "Who is emailed when a sync needs approval or fails"),
    ("safeguard_mode", "What a sync holds back for approval"),
    ("pupil_leavers_pct", "Pupils leaving in one sync"),
    ("staff_leavers_pct", "Staff leaving in one sync"),
    ("email_changes_pct", "Emails changing in one sync"),
    ("allowed_domains", "Allowed email domains"),
    ("require_email", "Who must have an email"),
    ("import_staff", "Staff from the MIS"),
)
PERCENTAGES = ("pupil_leavers_pct", "staff_leavers_pct", "email_changes_pct")


@dataclass(frozen=True, slots=True)
class FieldError:
    #: the id of the field's first input, which the error summary links to
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class FormResult:
    settings: SchoolSettings | None
    errors: list[FieldError]
    #: what the person typed, to show again next to an error
    typed: dict[str, Any]


def _lines(text: str) -> list[str]:
    """One value a line (commas also separate), blanks ignored."""
    return [v.strip() for v in text.replace(",", "\n").splitlines() if v.strip()]


def read_form(form: Mapping[str, str], roles: list[str], current: SchoolSettings) -> FormResult:
    """`roles`: the ticked boxes of "Who must have an email" (a form may send several)."""
    typed: dict[str, Any] = {
        "alert_emails": form.get("alert_emails", ""),
        "safeguard_mode": form.get("safeguard_mode", ""),
        "allowed_domains": form.get("allowed_domains", ""),
        "require_email": roles,
        "import_staff": form.get("import_staff", ""),
        **{name: form.get(name, "").strip() for name in PERCENTAGES},
    }
    values: dict[str, Any] = {}
    errors: list[FieldError] = []

    def check(name: str, value: Any, message: str) -> None:
        # One field alone through the CLI's own checks: its error is this field's.
        try:
            SchoolSettings.from_json({name: value})
        except (ConfigError, ValueError, TypeError) as exc:
            errors.append(FieldError(name, message.format(problem=exc)))
        else:
            values[name] = value

    check(
        "alert_emails",
        _lines(typed["alert_emails"]),
        "Enter email addresses like head@school.org.uk, one a line: {problem}",
    )
    if typed["safeguard_mode"] in ("partial", "strict"):
        values["safeguard_mode"] = typed["safeguard_mode"]
    else:
        errors.append(FieldError("safeguard_mode", "Choose what a sync holds back for approval"))
    for name, label in FIELDS:
        if name not in PERCENTAGES:
            continue
        text = typed[name].removesuffix("%").strip()
        wanted = f"{label} must be a percentage from 0 to 100, like 10"
        try:
            number = float(text)
        except ValueError:
            errors.append(FieldError(name, f"Enter a number: {wanted.lower()}"))
            continue
        check(name, number, wanted)
    check(
        "allowed_domains",
        _lines(typed["allowed_domains"]),
        "Enter email domains like school.org.uk, one a line: {problem}",
    )
    unknown = [r for r in roles if r not in USER_ROLES]
    if unknown:
        errors.append(FieldError("require_email", "Choose pupils, teachers or other staff"))
    else:
        values["require_email"] = sorted(set(roles))
    if typed["import_staff"] in ("yes", "no"):
        values["import_staff"] = typed["import_staff"] == "yes"
    else:
        errors.append(FieldError("import_staff", "Choose whether staff come from the MIS"))
    order = [name for name, _label in FIELDS]
    errors.sort(key=lambda e: order.index(e.field))
    if errors:
        return FormResult(None, errors, typed)
    # Everything else the school chose (the sync scope, contacts, ...) stays as it is.
    settings = SchoolSettings.from_json({**current.to_json(), **values})
    return FormResult(settings, [], typed)


def form_values(settings: SchoolSettings) -> dict[str, Any]:
    """The form as it shows the stored settings."""
    return {
        "alert_emails": "\n".join(settings.alert_emails),
        "safeguard_mode": settings.safeguard_mode,
        "allowed_domains": "\n".join(settings.allowed_domains),
        "require_email": sorted(settings.require_email),
        "import_staff": "yes" if settings.import_staff else "no",
        **{name: f"{getattr(settings, name):g}" for name in PERCENTAGES},
    }
