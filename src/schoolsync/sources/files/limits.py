"""How much an uploaded file may hold. Files come from school admins' browsers, so a size limit
is the first defence against a zip bomb, a runaway export or the wrong file chosen in a hurry.

The defaults are far above real files (a 2,000-pupil CTF with contacts and attendance is about
10 MB; a OneRoster package of the same school about 5 MB) and far below what would hurt a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileLimits:
    #: one CTF, one staff CSV, or one CSV inside a OneRoster package
    max_file_bytes: int = 100 * MB
    #: everything read from a OneRoster zip or folder, uncompressed
    max_package_bytes: int = 200 * MB
    #: entries in a OneRoster zip (a real package has at most 25 files)
    max_package_members: int = 200


DEFAULT_LIMITS = FileLimits()


def megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size} bytes"
