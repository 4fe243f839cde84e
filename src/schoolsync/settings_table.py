"""Every school setting a person may change, declared once: its name, kind, group, the words that
explain it and the CLI option that changes it. `schoolsync school settings`, the API and the web
app's Settings page all list, explain and check settings from this table, so they never
disagree about what a setting is or which values it accepts. Pure.

The default of each is `SchoolSettings`' own; the checks are `check_value`, which
`SchoolSettings.from_json` runs on every stored or given value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from schoolsync.errors import ConfigError
from schoolsync.school_settings import USERNAME_PATTERNS

Kind = Literal[
    "bool", "percent", "hours", "choice", "emails", "domains", "roles", "sen_codes", "window",
    "every",
]  # fmt: skip

#: The official SEN provisions (DfE): no special educational need, SEN support, an EHC plan.
SEN_PROVISIONS = {"N": "No special educational need", "K": "SEN support", "E": "EHC plan"}
#: Older codes, still sent by some MIS, and the provision each became in 2014.
OLD_SEN_CODES = {"S": "E", "A": "K", "P": "K"}


@dataclass(frozen=True, slots=True)
class SettingSpec:
    name: str
    kind: Kind
    group: str
    #: the question a web form asks
    label: str
    #: one line saying what the setting does, for the CLI listing and the form's hint
    explanation: str
    #: the CLI option that changes it
    option: str
    choices: tuple[str, ...] = ()


GROUPS = (
    "Alerts",
    "Safeguards",
    "Invite settings",
    "Import",
    "SEN",
    "Attendance summaries",
    "Pupil photos",
    "Syncing",
)

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "alert_emails", "emails", "Alerts",
        "Who is emailed when a sync needs approval or fails",
        "Emails sent when a sync needs approval or fails; empty sends none.",
        "--alert-email",
    ),
    SettingSpec(
        "safeguard_mode", "choice", "Safeguards",
        "What a sync holds back for approval",
        "partial holds only major changes; strict holds the whole sync when any change is major.",
        "--safeguard-mode", ("partial", "strict"),
    ),
    SettingSpec(
        "pupil_leavers_pct", "percent", "Safeguards", "Pupils leaving in one sync",
        "Hold a sync in which more than this % of pupils would leave.", "--pupil-leavers-pct",
    ),
    SettingSpec(
        "staff_leavers_pct", "percent", "Safeguards", "Staff leaving in one sync",
        "Hold a sync in which more than this % of staff would leave.", "--staff-leavers-pct",
    ),
    SettingSpec(
        "email_changes_pct", "percent", "Safeguards", "Emails changing in one sync",
        "Hold a sync in which more than this % of emails would change.", "--email-changes-pct",
    ),
    SettingSpec(
        "allowed_domains", "domains", "Invite settings", "Allowed email domains",
        "Users with an email in another domain are left out, with an issue; empty allows any.",
        "--email-domain",
    ),
    SettingSpec(
        "require_email", "roles", "Invite settings", "Who must have an email",
        "Pupils, teachers or staff of these roles with no email are left out, with an issue.",
        "--require-email",
    ),
    SettingSpec(
        "username_pattern", "choice", "Invite settings", "How new usernames are made",
        "initial-surname (jsmith), forename-initial-digits (jonathans42) or forename.surname.",
        "--username-pattern", USERNAME_PATTERNS,
    ),
    SettingSpec(
        "import_pupils", "bool", "Import", "Pupils from the MIS",
        "On: MIS pupils overwrite matching ones. Off: not imported; yours are left alone.",
        "--import-pupils/--no-import-pupils",
    ),
    SettingSpec(
        "import_teachers", "bool", "Import", "Teachers from the MIS",
        "On: MIS teachers overwrite matching ones. Off: not imported; yours are left alone.",
        "--import-teachers/--no-import-teachers",
    ),
    SettingSpec(
        "import_staff", "bool", "Import", "Staff from the MIS",
        "On: MIS staff overwrite matching ones. Off: not imported (upload your own staff list).",
        "--import-staff/--no-import-staff",
    ),
    SettingSpec(
        "sync_contacts", "bool", "Import", "Pupil contacts",
        "Parents and carers, with their emails and priority, linked to their pupils; off: "
        "contacts are neither fetched nor changed.",
        "--sync-contacts/--no-sync-contacts",
    ),
    SettingSpec(
        "sync_sen_types", "bool", "SEN", "Sync SEND types",
        "Each pupil's SEN needs (type code and rank) come from the MIS.",
        "--sync-sen-types/--no-sync-sen-types",
    ),
    SettingSpec(
        "sync_sen_provision", "bool", "SEN", "Sync SEND provision",
        "Each pupil's SEN provision (N, K or E) comes from the MIS.",
        "--sync-sen-provision/--no-sync-sen-provision",
    ),
    SettingSpec(
        "sen_missing_means_none", "bool", "SEN", "Interpret null or missing SEN as 'No SEN'",
        "Off: a missing SEN record never overwrites a stored one. On: it means 'No SEN' (N).",
        "--sen-missing-means-none/--no-sen-missing-means-none",
    ),
    SettingSpec(
        "custom_sen_codes", "sen_codes", "SEN", "Custom SEN codes",
        "Your MIS's own SEN codes and the official provision each means (MP=K); CODE= removes one.",
        "--custom-sen-code",
    ),
    SettingSpec(
        "unexplained_as_unauthorised", "bool", "Attendance summaries",
        "Add unexplained absence to the unauthorised count",
        "Unexplained absences count as unauthorised wherever attendance is shown or exported.",
        "--unexplained-as-unauthorised/--no-unexplained-as-unauthorised",
    ),
    SettingSpec(
        "sync_photos", "bool", "Pupil photos", "Sync pupil thumbnail photos",
        "Pupils' photos from the MIS, fetched at most weekly (Wonde refreshes them weekly).",
        "--sync-photos/--no-sync-photos",
    ),
    SettingSpec(
        "paused", "bool", "Syncing", "Pause autosync",
        "On: the scheduler skips this school until it is resumed.", "--paused/--resumed",
    ),
    SettingSpec(
        "sync_window", "window", "Syncing", "When the nightly sync runs",
        "The local time span of the nightly sync, like 01:00-05:00.", "--sync-window",
    ),
    SettingSpec(
        "daytime_every_hours", "every", "Syncing", "Daytime syncs every (hours)",
        "Also sync every this many hours in school hours on weekdays; 0 turns them off.",
        "--daytime-every",
    ),
    SettingSpec(
        "school_hours", "window", "Syncing", "School hours",
        "The school day, like 08:00-16:00, in which daytime syncs run.", "--school-hours",
    ),
    SettingSpec(
        "full_sync_every_hours", "hours", "Syncing", "Hours between full syncs",
        "A full sync runs at least this often, even when an incremental one would do.",
        "--full-sync-every-hours",
    ),
)  # fmt: skip

BY_NAME: dict[str, SettingSpec] = {spec.name: spec for spec in SETTINGS}


def spec(name: str) -> SettingSpec:
    return BY_NAME[name]


def check_value(name: str, value: Any) -> Any:
    """The value as stored, or a `ConfigError` naming the setting and what it accepts."""
    kind = BY_NAME[name].kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false, not {value!r}")
        return value
    if kind == "percent":
        number = _number(name, value)
        if not 0 <= number <= 100:
            raise ConfigError(f"{name} must be a percentage from 0 to 100")
        return number
    if kind == "hours":
        number = _number(name, value)
        if number != int(number) or not 1 <= number <= 24 * 7:
            raise ConfigError(f"{name} must be a whole number of hours from 1 to 168")
        return int(number)
    if kind == "choice":
        choices = BY_NAME[name].choices
        if value not in choices:
            words = name.replace("_", " ")
            if len(choices) == 2:
                raise ConfigError(f"{words} must be {' or '.join(map(repr, choices))}")
            raise ConfigError(f"{words} must be one of {', '.join(choices)}")
        return value
    if kind == "window":
        from schoolsync.school_settings import parse_window

        return parse_window(name, value)
    if kind == "every":
        from schoolsync.school_settings import parse_every

        return parse_every(value)
    if kind == "sen_codes":
        return parse_sen_codes(value)
    return value  # lists: their own parsers in `school_settings`


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ConfigError(f"{name} must be a number, not {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, not {value!r}") from None


def parse_sen_codes(value: Mapping[str, str] | list[str] | str) -> dict[str, str]:
    """`{"MP": "K"}`, or `MP=K` pairs (a list, or one a line/comma): each custom code and the
    official provision (N, K or E) it stands for. An official or older code cannot be
    redefined: it already means something everywhere."""
    if isinstance(value, Mapping):
        pairs = [(str(k), str(v)) for k, v in value.items()]
    else:
        items = value.replace(",", "\n").splitlines() if isinstance(value, str) else value
        pairs = []
        for item in items:
            if not item.strip():
                continue
            code, eq, provision = item.partition("=")
            if not eq:
                raise ConfigError(f"Custom SEN code {item.strip()!r} must be written CODE=K")
            pairs.append((code, provision))
    codes: dict[str, str] = {}
    for raw_code, raw_provision in pairs:
        code, provision = raw_code.strip().upper(), raw_provision.strip().upper()
        if not code.isalnum() or len(code) > 4:
            raise ConfigError(f"Custom SEN code {raw_code!r} must be 1 to 4 letters or digits")
        if code in SEN_PROVISIONS or code in OLD_SEN_CODES:
            raise ConfigError(f"{code} is an official SEN code already; it cannot be redefined")
        if provision not in SEN_PROVISIONS:
            raise ConfigError(
                f"Custom SEN code {code} must map to an official provision: N, K or E "
                f"(not {raw_provision.strip()!r})"
            )
        codes[code] = provision
    return codes


def merge_sen_codes(current: Mapping[str, str], given: list[str]) -> dict[str, str]:
    """The CLI's `--custom-sen-code MP=K` adds or replaces one code; `MP=` removes it."""
    merged = dict(current)
    removals = [item.partition("=")[0].strip().upper() for item in given if item.endswith("=")]
    merged.update(parse_sen_codes([item for item in given if not item.endswith("=")]))
    for code in removals:
        if code not in merged:
            raise ConfigError(f"There is no custom SEN code {code} to remove")
        del merged[code]
    return merged


def shown_value(name: str, value: Any) -> str:
    """A value as a person reads it in a listing."""
    kind = BY_NAME[name].kind
    if kind == "bool":
        return "on" if value else "off"
    if kind == "percent":
        return f"{value:g}%"
    if kind == "sen_codes":
        return ", ".join(f"{c}={p}" for c, p in sorted(value.items())) or "none"
    if kind == "roles":
        words = {"student": "pupil", "teacher": "teacher", "staff": "staff"}
        return ", ".join(words.get(r, r) for r in sorted(value)) or "nobody"
    if kind in ("emails", "domains"):
        return ", ".join(value) or ("none" if kind == "emails" else "any")
    return str(value)
