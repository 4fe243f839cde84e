"""Folders and files only their owner can read: the embedded store holds children's data.

The modes are set explicitly rather than left to the umask, which is commonly 022 and would
make a new database readable by every account on the machine.
"""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> None:
    """Create `path` (and missing parents) readable only by its owner; an existing folder is
    left as its owner set it."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # made meanwhile by another process: theirs to keep
            continue
        os.chmod(folder, FOLDER_MODE)


def private_file(path: Path) -> None:
    """Create an empty `path` readable only by its owner, unless it exists already."""
    private_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, FILE_MODE)
