"""Bytes of an uploaded text file to text. Pure.

Schools' files come from Excel as often as from an MIS: "CSV UTF-8" adds a byte-order mark,
plain "CSV (Comma delimited)" on Windows writes Windows-1252, and a few exports are UTF-16.
UTF-8 is tried first (with or without BOM); text that is not valid UTF-8 is read as
Windows-1252, which is what Excel wrote in every case we know of. Bytes that are neither
(a spreadsheet, a PDF) are a `FileFormatError`.
"""

from __future__ import annotations

import codecs

from schoolsync.errors import FileFormatError


def decode_text(data: bytes, file: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileFormatError("is not readable UTF-16 text", file=file) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise FileFormatError(
                    "is not a text file (it is neither UTF-8 nor Windows-1252 text)", file=file
                ) from None
    if "\x00" in text:
        # No text format we read allows NUL, and the database rejects it.
        raise FileFormatError(
            "contains NUL characters: it looks like a spreadsheet or other binary file, not "
            "text saved as CSV",
            file=file,
        )
    return text
