"""A school's own choices: who must have an email, which domains are allowed (the invite
settings), which data to import. Stored as JSON on the school; unknown keys are refused so a
typo never silently does nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from schoolsync.errors import ConfigError
from schoolsync.model.limits import Limits

USER_ROLES = ("student", "teacher", "staff")
#: the same as `engine.username_patterns.USERNAME_PATTERNS` (settings sit below the engine)
USERNAME_PATTERNS = ("initial-surname", "forename-initial-digits", "forename.surname")


@dataclass(frozen=True, slots=True)
class SchoolSettings:
    #: Roles whose members are left out of the sync when they have no email.
    require_email: frozenset[str] = frozenset({"teacher", "staff"})
    #: Email domains accepted for users; empty accepts any domain.
    allowed_domains: tuple[str, ...] = ()
    import_staff: bool = True
    import_contacts: bool = True
    #: A full sync runs at least this often even when incremental syncs are possible.
    full_sync_every_hours: int = 24
    #: Safeguards: "partial" holds only major changes, "strict" holds the whole run.
    safeguard_mode: str = "partial"
    pupil_leavers_pct: float = 10.0
    staff_leavers_pct: float = 10.0
    email_changes_pct: float = 10.0
    #: Who is emailed when a run needs approval or fails.
    alert_emails: tuple[str, ...] = ()
    #: The sync scope chosen in the last manual sync (subject and class source ids); None
    #: means everything. `scope_known_classes` are the classes offered at the time: a class
    #: that appears later in a chosen subject joins the scope by itself.
    scope_subjects: tuple[str, ...] | None = None
    scope_classes: tuple[str, ...] | None = None
    scope_known_classes: tuple[str, ...] | None = None
    #: How new accounts' usernames are made (`engine/username_patterns.py`).
    username_pattern: str = "initial-surname"
    #: Autosync: paused schools are skipped by the scheduler (with the reason recorded).
    paused: bool = False
    #: Local time span in which the nightly sync runs (the school's key spreads it inside).
    sync_window: str = "01:00-05:00"
    #: Daytime syncs every this many hours in `school_hours` on weekdays; 0 turns them off.
    daytime_every_hours: int = 0
    school_hours: str = "08:00-16:00"
    extra: dict[str, Any] = field(default_factory=dict)

    def limits(self) -> Limits:
        return Limits(
            mode="strict" if self.safeguard_mode == "strict" else "partial",
            pupil_leavers_pct=self.pupil_leavers_pct,
            staff_leavers_pct=self.staff_leavers_pct,
            email_changes_pct=self.email_changes_pct,
        )

    def email_required(self, role: str) -> bool:
        return role in self.require_email

    def domain_allowed(self, email: str) -> bool:
        if not self.allowed_domains:
            return True
        domain = email.rsplit("@", 1)[-1].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.allowed_domains)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["require_email"] = sorted(self.require_email)
        for name in (
            "allowed_domains",
            "alert_emails",
            "scope_subjects",
            "scope_classes",
            "scope_known_classes",
        ):
            value = getattr(self, name)
            data[name] = list(value) if value is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SchoolSettings:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"Unknown school setting(s): {', '.join(sorted(unknown))}")
        settings = cls()
        values = dict(data)
        if "require_email" in values:
            values["require_email"] = parse_roles(values["require_email"])
        if "allowed_domains" in values:
            values["allowed_domains"] = parse_domains(values["allowed_domains"])
        if "alert_emails" in values:
            values["alert_emails"] = parse_emails(values["alert_emails"])
        for name in ("scope_subjects", "scope_classes", "scope_known_classes"):
            if values.get(name) is not None:
                values[name] = tuple(values[name])
        if values.get("username_pattern", USERNAME_PATTERNS[0]) not in USERNAME_PATTERNS:
            raise ConfigError(f"username pattern must be one of {', '.join(USERNAME_PATTERNS)}")
        if values.get("safeguard_mode", "partial") not in ("partial", "strict"):
            raise ConfigError("safeguard mode must be 'partial' or 'strict'")
        for name in ("sync_window", "school_hours"):
            if name in values:
                values[name] = parse_window(name, values[name])
        if "daytime_every_hours" in values:
            values["daytime_every_hours"] = parse_every(values["daytime_every_hours"])
        for name in ("pupil_leavers_pct", "staff_leavers_pct", "email_changes_pct"):
            if name in values and not 0 <= float(values[name]) <= 100:
                raise ConfigError(f"{name} must be a percentage from 0 to 100")
        return replace(settings, **values)


def parse_roles(value: str | list[str] | frozenset[str]) -> frozenset[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    named = {item.strip().lower() for item in items if item.strip()}
    # People say pupil; the store (and scripts written before) say student.
    roles = {"student" if role == "pupil" else role for role in named}
    bad = roles - set(USER_ROLES)
    if bad:
        raise ConfigError(
            f"Unknown role(s) for --require-email: {', '.join(sorted(bad))} "
            "(choose from pupil, teacher, staff)"
        )
    return frozenset(roles)


def parse_emails(value: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    emails = []
    for item in value:
        email = item.strip()
        local, at, domain = email.partition("@")
        if not (local and at and "." in domain) or " " in email:
            raise ConfigError(f"{item!r} is not an email address")
        emails.append(email)
    return tuple(dict.fromkeys(emails))


def parse_domains(value: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    domains = []
    for item in value:
        domain = item.strip().lower().lstrip("@")
        if not domain or "." not in domain or " " in domain:
            raise ConfigError(f"{item!r} is not an email domain (expected e.g. school.org.uk)")
        domains.append(domain)
    return tuple(dict.fromkeys(domains))


def parse_window(name: str, value: str) -> str:
    """A local time span as it is stored ('01:00-05:00'), or a ConfigError naming the setting."""
    from schoolsync.scheduling import Window

    try:
        return Window.parse(str(value)).text()
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from exc


def parse_every(value: int | str) -> int:
    try:
        hours = int(value)
    except (TypeError, ValueError):
        hours = -1
    if not 0 <= hours <= 12:
        raise ConfigError(
            f"daytime_every_hours must be a whole number of hours from 0 (off) to 12, not {value!r}"
        )
    return hours
