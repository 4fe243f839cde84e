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
    #: Import toggles per type (see `settings_table` for what each means to a school).
    import_pupils: bool = True
    import_teachers: bool = True
    import_staff: bool = True
    sync_contacts: bool = True
    sync_sen_types: bool = True
    sync_sen_provision: bool = True
    sen_missing_means_none: bool = False
    #: custom SEN code -> the official provision (N, K or E) it stands for
    custom_sen_codes: dict[str, str] = field(default_factory=dict)
    unexplained_as_unauthorised: bool = True
    sync_photos: bool = True
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
        data = dict(data)
        if "import_contacts" in data:
            # The name before contacts were synced at all (never read): it is sync_contacts.
            data.setdefault("sync_contacts", data.pop("import_contacts"))
            data.pop("import_contacts", None)
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
        from schoolsync.settings_table import BY_NAME, check_value

        for name in set(values) & set(BY_NAME):
            values[name] = check_value(name, values[name])
        return replace(settings, **values)

    def sen_provision(self, code: str) -> str | None:
        """The official provision (N, K, E) a MIS SEN code stands for, or None if unknown."""
        from schoolsync.settings_table import OLD_SEN_CODES, SEN_PROVISIONS

        code = code.strip().upper()
        if code in SEN_PROVISIONS:
            return code
        return OLD_SEN_CODES.get(code) or self.custom_sen_codes.get(code)


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
