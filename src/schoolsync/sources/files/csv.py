"""A CSV file as a header and rows, read the way real exports need. Pure.

- Columns are found by name, in any order, ignoring case, spaces and underscores, with aliases
  for the misspellings and older names seen in real files. Unknown columns (extensions) are
  ignored; a missing *required* column is a `FileFormatError` naming it.
- Quoting is strict: an unclosed quote would otherwise swallow the rest of the file without a
  word, and in a file that is the whole list of something, everyone after it would vanish.
- Rows may be shorter than the header (trailing empty columns); blank rows are skipped. Each
  row keeps the line it starts on, so every message can point at it.
- A last row that is shorter than the header (its named columns) *and* has no line break after
  it is marked `cut`: that is what a file cut short in transfer looks like, and its last value
  may be cut too. Each reader decides what that means for its format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from schoolsync.errors import FileFormatError


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: Mapping[str, str]
    #: values beyond the last header column, and how many of them are not empty: an unquoted
    #: comma in a value shifts the rest of the row right
    overflow: int = 0
    extra: int = 0
    #: the file ends inside this row (see the module doc): none of its values can be trusted
    cut: bool = False

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass(frozen=True, slots=True)
class CsvTable:
    file: str
    #: the columns (by `Column.name`) the header has
    present: frozenset[str]
    rows: tuple[CsvRow, ...]


def header_key(name: str) -> str:
    return "".join(name.replace("\ufeff", "").split()).replace("_", "").casefold()


def read_csv_table(
    text: str, file: str, columns: Sequence[Column], *, delimiter: str = ","
) -> CsvTable:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            raise FileFormatError("is empty: it has no header row", file=file)
        index = _column_index(header, columns, file)
        rows: list[CsvRow] = []
        width = len(header)
        # Some exporters end the header with empty names (",,") that no row fills.
        named = max((i + 1 for i, name in enumerate(header) if name.strip()), default=0)
        start = reader.line_num + 1
        # whether the last line read was a row shorter than the header
        short_last = False
        for raw in reader:
            short_last = False
            if any(value.strip() for value in raw):
                values = {
                    name: (raw[i].strip() if i < len(raw) else "") for name, i in index.items()
                }
                overflow = raw[width:]
                extra = sum(1 for value in overflow if value.strip())
                rows.append(CsvRow(start, values, len(overflow), extra))
                short_last = len(raw) < named
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileFormatError(_csv_problem(str(exc)), file=file, where=f"line {start}") from None
    if short_last and not text.endswith(("\n", "\r")):
        rows[-1] = replace(rows[-1], cut=True)
    return CsvTable(file, frozenset(index), tuple(rows))


def _column_index(header: Sequence[str], columns: Sequence[Column], file: str) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        key = header_key(name)
        if key:
            positions.setdefault(key, position)
    index: dict[str, int] = {}
    for column in columns:
        for spelling in (column.name, *column.aliases):
            found = positions.get(header_key(spelling))
            if found is not None:
                index[column.name] = found
                break
        else:
            if column.required:
                shown = ", ".join(h.strip() for h in header[:30] if h.strip()) or "nothing"
                raise FileFormatError(
                    f"has no '{column.name}' column (the header row has: {shown[:300]})",
                    file=file,
                    where="line 1",
                )
    return index


def _csv_problem(detail: str) -> str:
    if "unexpected end of data" in detail:
        return "a quoted value that starts here is never closed"
    if "field larger than field limit" in detail:
        return "a value is too long to be real data (is this really a CSV file?)"
    return f"this line cannot be read as CSV ({detail})"


def blank_to_none(value: str) -> str | None:
    return value or None
