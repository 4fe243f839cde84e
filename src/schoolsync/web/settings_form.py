"""The Settings page's form, read into a school's settings. Pure: fields in, settings or a
list of errors out (one per field, in the page's order), so the error summary can link to each.

The fields, their labels, groups and hints are the settings table's (`settings_table`), and
every value goes through the checks `schoolsync school settings` uses
(`SchoolSettings.from_json`): the browser and the CLI accept and refuse the same things."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schoolsync.errors import ConfigError
from schoolsync.school_settings import USER_ROLES, SchoolSettings
from schoolsync.settings_table import GROUPS, SETTINGS, SettingSpec

#: The fields of the page, in order: (form name, label)
FIELDS = tuple((s.name, s.label) for s in SETTINGS)
PERCENTAGES = tuple(s.name for s in SETTINGS if s.kind == "percent")
#: The page's groups, each with its settings, in order.
FORM_GROUPS: tuple[tuple[str, tuple[SettingSpec, ...]], ...] = tuple(
    (group, tuple(s for s in SETTINGS if s.group == group)) for group in GROUPS
)
_LISTS = {
    "emails": "Enter email addresses like head@school.org.uk, one a line: {problem}",
    "domains": "Enter email domains like school.org.uk, one a line: {problem}",
    "sen_codes": "Enter custom SEN codes like MP=K, one a line: {problem}",
}


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
    """`roles`: the ticked boxes of "Who must have an email" (a form may send several). A
    field the form did not send keeps its stored value."""
    shown = form_values(current)
    typed: dict[str, Any] = {"require_email": roles}
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

    for setting in SETTINGS:
        name, kind = setting.name, setting.kind
        if kind == "roles":
            continue
        text = str(form.get(name, shown[name])).strip()
        typed[name] = text
        if kind in _LISTS:
            check(name, _lines(text), _LISTS[kind])
        elif kind == "choice":
            if text in setting.choices:
                values[name] = text
            else:
                errors.append(
                    FieldError(name, f"Choose {setting.label[0].lower()}{setting.label[1:]}")
                )
        elif kind == "bool":
            if text in ("yes", "no"):
                values[name] = text == "yes"
            else:
                errors.append(FieldError(name, f"Choose yes or no: {setting.label.lower()}"))
        elif kind == "window":
            check(name, text, setting.label + " must be a time span like 01:00-05:00: {problem}")
        elif kind in ("percent", "hours", "every"):
            wanted = {
                "percent": f"{setting.label} must be a percentage from 0 to 100, like 10",
                "hours": f"{setting.label} must be a whole number from 1 to 168, like 24",
                "every": f"{setting.label} must be a whole number from 0 (off) to 12",
            }[kind]
            try:
                number = float(text.removesuffix("%").strip())
            except ValueError:
                errors.append(FieldError(name, f"Enter a number: {wanted.lower()}"))
                continue
            check(name, int(number) if kind == "every" and number.is_integer() else number, wanted)
    unknown = [r for r in roles if r not in USER_ROLES]
    if unknown:
        errors.append(FieldError("require_email", "Choose pupils, teachers or other staff"))
    else:
        values["require_email"] = sorted(set(roles))
    order = [name for name, _label in FIELDS]
    errors.sort(key=lambda e: order.index(e.field))
    if errors:
        return FormResult(None, errors, typed)
    # Everything else the school chose (the sync scope, ...) stays as it is.
    settings = SchoolSettings.from_json({**current.to_json(), **values})
    return FormResult(settings, [], typed)


def form_values(settings: SchoolSettings) -> dict[str, Any]:
    """The form as it shows the stored settings."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = getattr(settings, setting.name)
        if setting.kind == "bool":
            values[setting.name] = "yes" if value else "no"
        elif setting.kind in ("percent", "hours", "every"):
            values[setting.name] = f"{value:g}"
        elif setting.kind == "roles":
            values[setting.name] = sorted(value)
        elif setting.kind == "sen_codes":
            values[setting.name] = "\n".join(f"{c}={p}" for c, p in sorted(value.items()))
        elif setting.kind in _LISTS:
            values[setting.name] = "\n".join(value)
        else:
            values[setting.name] = value
    return values
