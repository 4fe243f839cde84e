"""What a source gives the pipeline, and what it may know of the school it reads.

A source is a `SnapshotReader`: given the school, the moment of the last sync (`since`, None
for a full read) and a progress callback, it returns one `Snapshot`, or raises an error from
`errors.py` (`SourceError`s for an API, `FileFormatError` for a file). A reader that cannot read
incrementally reads everything and ignores `since`. Readers are found through
`sources.registry`; the pipeline never knows which source it is talking to.

The school is seen through `SchoolConnection`, a protocol the store's school record satisfies,
so that sources never import the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal, Protocol

from schoolsync.model import Snapshot

#: How a school's data reaches us: read from the Wonde API, or imported as files (CTF,
#: OneRoster, staff CSV) by a person. One spelling each, in the store, the CLI and the docs.
SchoolSourceKind = Literal["wonde", "files"]
SCHOOL_SOURCE_KINDS: tuple[SchoolSourceKind, ...] = ("wonde", "files")

#: (called as the read goes) what is being read, records so far, records expected or None
Progress = Callable[[str, int, int | None], None]


def no_progress(_what: str, _done: int, _total: int | None) -> None:
    return None


class ReadChoices(Protocol):
    """The school's settings that change what is read."""

    @property
    def import_staff(self) -> bool:
        """Whether staff come from the source (False: the school uploads its own list)."""
        ...

    @property
    def import_teachers(self) -> bool: ...

    @property
    def sync_contacts(self) -> bool:
        """Whether pupils' contacts are read at all (False: neither fetched nor changed)."""
        ...


class SchoolConnection(Protocol):
    """What a reader may know of the school it reads: who it is and how to reach its data."""

    @property
    def key(self) -> str: ...

    @property
    def source_kind(self) -> str: ...

    @property
    def wonde_school_id(self) -> str | None: ...

    @property
    def api_base_url(self) -> str | None: ...

    @property
    def settings(self) -> ReadChoices: ...

    def token(self, secret_key: bytes) -> str | None: ...


#: Reads a school's source: `since` None means everything (a full sync).
SnapshotReader = Callable[[SchoolConnection, dt.datetime | None, Progress], Snapshot]
