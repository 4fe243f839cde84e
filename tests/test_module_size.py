"""No module is too long to read in one sitting (the house's bar: about 400 lines)."""

from __future__ import annotations

from pathlib import Path

import schoolsync

MAX_LINES = 400

PACKAGE = Path(schoolsync.__file__).parent


def test_every_module_is_at_most_400_lines() -> None:
    too_long = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
