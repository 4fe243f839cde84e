"""A school's own choices: who must have an email, which domains are allowed (the invite
settings), which data to import. Stored as JSON on the school; unknown keys are refused so a
typo never silently does nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from schoolsync.errors import ConfigError

USER_ROLES = ("student", "teacher", "staff")


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
    extra: dict[str, Any] = field(default_factory=dict)

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
        data["allowed_domains"] = list(self.allowed_domains)
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
        return replace(settings, **values)


def parse_roles(value: str | list[str] | frozenset[str]) -> frozenset[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    roles = {item.strip().lower() for item in items if item.strip()}
    bad = roles - set(USER_ROLES)
    if bad:
        raise ConfigError(
            f"Unknown role(s) for --require-email: {', '.join(sorted(bad))} "
            f"(choose from {', '.join(USER_ROLES)})"
        )
    return frozenset(roles)


def parse_domains(value: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    domains = []
    for item in value:
        domain = item.strip().lower().lstrip("@")
        if not domain or "." not in domain or " " in domain:
            raise ConfigError(f"{item!r} is not an email domain (expected e.g. school.org.uk)")
        domains.append(domain)
    return tuple(dict.fromkeys(domains))
