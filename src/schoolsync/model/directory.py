"""The names behind stored ids and new records, so a change reads by name and MIS id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    mis_id: str | None = None

    def __str__(self) -> str:
        return f"{self.name} (MIS {self.mis_id})" if self.mis_id else self.name


@dataclass(frozen=True, slots=True)
class Directory:
    """Who and what each id names: stored rows by id, new records by source id."""

    people: Mapping[int, Label] = field(default_factory=dict)
    #: "subject", "class", "group" -> stored id -> label
    structures: Mapping[str, Mapping[int, Label]] = field(default_factory=dict)
    #: source id -> label, for records a plan creates (people and structures alike)
    new: Mapping[str, Label] = field(default_factory=dict)
