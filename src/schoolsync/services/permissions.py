"""A school's Wonde permissions: which features need a permission the school has not granted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schoolsync.errors import ConfigError

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.sources.base import SchoolConnection
    from schoolsync.sources.wonde.permission_report import FeatureAccess

#: Where a school's admin grants Wonde permissions.
WONDE_PORTAL = "https://school.wonde.com/"

#: Reads a school's permission objects from Wonde (`sources.wonde.reader.permissions_reader`).
PermissionsReader = Callable[["SchoolConnection"], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class PermissionsView:
    school_name: str
    features: list[FeatureAccess]
    portal: str

    @property
    def not_granted(self) -> list[FeatureAccess]:
        from schoolsync.sources.wonde.permission_report import missing

        return missing(self.features)


def school_permissions(engine: sa.Engine, key: str, read: PermissionsReader) -> PermissionsView:
    """Asks Wonde (outside any transaction: a slow answer holds no database connection)."""
    from schoolsync.sources.wonde.permission_report import permission_report
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school = get_school(conn, key)
    if school.source_kind != "wonde":
        raise ConfigError(f"School {key} is fed by files, not Wonde: it has no Wonde permissions")
    return PermissionsView(school.name, permission_report(read(school)), WONDE_PORTAL)
